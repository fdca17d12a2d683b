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


class BackInStockRequest(models.Model):
    """A shopper asking to be told when a variant is available near them."""

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(_("e-mail"))
    place = models.CharField(_("place"), max_length=120)
    latitude = models.FloatField()
    longitude = models.FloatField()
    radius_km = models.FloatField(_("radius (km)"))
    language = models.CharField(
        _("language"),
        max_length=16,
        default="en",
        help_text=_("Messages to this person use this language."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["notified_at", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["variant", "email"],
                condition=models.Q(notified_at__isnull=True),
                name="one_open_back_in_stock_request",
            )
        ]

    def __str__(self):
        return f"{self.email} wants {self.variant_id} near {self.place}"


class Postcode(models.Model):
    """A postcode's centre, imported by `manage.py import_postcodes` (optional)."""

    country = models.CharField(_("country"), max_length=2)
    code = models.CharField(_("postcode"), max_length=16)
    place = models.CharField(_("place"), max_length=120, blank=True)
    latitude = models.FloatField()
    longitude = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["country", "code"], name="unique_postcode")]
        indexes = [models.Index(fields=["code"])]

    def __str__(self):
        return f"{self.code} {self.place} ({self.country})"
