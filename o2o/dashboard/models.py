"""Daily roll-ups for the brand dashboard, computed by Celery beat (never on page views)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from o2o.brands.models import Brand
from o2o.catalogue.models import Product, Variant
from o2o.outlets.models import Outlet


class DailyBrandFigures(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    searches = models.PositiveIntegerField(default=0)
    searches_unmet = models.PositiveIntegerField(default=0)
    reservations = models.PositiveIntegerField(default=0)
    collected = models.PositiveIntegerField(default=0)
    collected_units = models.PositiveIntegerField(default=0)
    revenue = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    stock_outs = models.PositiveIntegerField(_("items out of stock"), default=0)
    outlets_active = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brand", "day"], name="unique_brand_day")]
        ordering = ["day"]

    def __str__(self):
        return f"{self.brand_id} {self.day}"


class DailyOutletFigures(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="+")
    reservations = models.PositiveIntegerField(default=0)
    collected = models.PositiveIntegerField(default=0)
    revenue = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "day", "outlet"], name="unique_brand_day_outlet"
            )
        ]

    def __str__(self):
        return f"{self.outlet_id} {self.day}"


class DailyProductFigures(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    reservations = models.PositiveIntegerField(default=0)
    collected_units = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "day", "product"], name="unique_brand_day_product"
            )
        ]

    def __str__(self):
        return f"{self.product_id} {self.day}"


class UnmetDemandCell(models.Model):
    """Searches on a day, in a ~5 km cell, for a variant no outlet had within the radius."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="+")
    cell_lat = models.FloatField()
    cell_lng = models.FloatField()
    searches = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "day", "variant", "cell_lat", "cell_lng"], name="unique_unmet_cell"
            )
        ]
        indexes = [models.Index(fields=["brand", "day"])]

    def __str__(self):
        return f"{self.variant_id} @ {self.cell_lat},{self.cell_lng}"
