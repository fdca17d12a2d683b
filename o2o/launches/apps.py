from django.apps import AppConfig


class LaunchesConfig(AppConfig):
    name = "o2o.launches"
    label = "launches"

    def ready(self):
        from . import signals

        signals.connect()
