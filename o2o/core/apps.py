from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "o2o.core"
    label = "core"

    def ready(self):
        from . import checks, logs, metrics  # noqa: F401  (checks; Celery signal receivers)
