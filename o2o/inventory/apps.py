from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "o2o.inventory"
    label = "inventory"

    def ready(self):
        from . import schema  # noqa: F401  (registers the OpenAPI auth extension)
