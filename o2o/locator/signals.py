"""The locator's subscriptions: edits made one row at a time (admin, services, imports)
retire cached availability; an applied stock count may bring items back for waiting
shoppers."""

from django.db.models.signals import post_delete, post_save

from o2o.core.generations import availability_changed, stock_changed


def _stock_level_changed(sender, instance, **kwargs):
    stock_changed([instance.variant_id])


def _searchable_changed(sender, **kwargs):
    availability_changed()


def _stock_counted(sender, **kwargs):
    from o2o.core.outbox import enqueue

    from .tasks import notify_back_in_stock_task

    enqueue(notify_back_in_stock_task)


def connect():
    from o2o.inventory.signals import stock_counted

    stock_counted.connect(_stock_counted, dispatch_uid="locator.back_in_stock")
    from o2o.brands.models import Brand
    from o2o.catalogue.models import Category, Product, ProductImage, Variant
    from o2o.inventory.models import StockLevel
    from o2o.outlets.models import Outlet, OutletAuthorization

    for signal in (post_save, post_delete):
        signal.connect(_stock_level_changed, sender=StockLevel, dispatch_uid=f"{signal}-stock")
        for model in (Brand, Category, Product, ProductImage, Variant, Outlet, OutletAuthorization):
            signal.connect(
                _searchable_changed, sender=model, dispatch_uid=f"{signal}-{model.__name__}"
            )
