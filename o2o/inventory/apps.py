from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "o2o.inventory"
    label = "inventory"

    def ready(self):
        from o2o.outlets.signals import outlet_joined

        from . import schema  # noqa: F401  (registers the OpenAPI auth extension)
        from .services import on_outlet_joined

        outlet_joined.connect(on_outlet_joined, dispatch_uid="inventory-lists-brand-items")
