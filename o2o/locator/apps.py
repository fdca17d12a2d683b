from django.apps import AppConfig


class LocatorConfig(AppConfig):
    name = "o2o.locator"
    label = "locator"

    def ready(self):
        from . import signals

        signals.connect()
