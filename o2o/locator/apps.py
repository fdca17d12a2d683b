from django.apps import AppConfig


class LocatorConfig(AppConfig):
    name = "o2o.locator"
    label = "locator"
