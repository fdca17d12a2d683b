from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "o2o.core"
    label = "core"

    def ready(self):
        from . import checks, metrics  # noqa: F401  (system checks; the Celery task timers)
