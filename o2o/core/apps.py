from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "o2o.core"
    label = "core"

    def ready(self):
        from . import metrics  # noqa: F401  (connects the Celery task timers)
