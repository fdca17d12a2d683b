from django.db import models
from django.utils.translation import gettext_lazy as _

from o2o.brands.models import Brand
from o2o.catalogue.models import Variant


class DemandSignal(models.Model):
    """One shopper search: which variant, roughly where, and whether stock was found."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="demand_signals")
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="+")
    cell_lat = models.FloatField(_("cell latitude"))
    cell_lng = models.FloatField(_("cell longitude"))
    found = models.BooleanField(_("found"))
    results = models.PositiveIntegerField(_("results"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["brand", "found", "created_at"])]

    def __str__(self):
        return f"{self.variant_id} @ ({self.cell_lat}, {self.cell_lng}) found={self.found}"
