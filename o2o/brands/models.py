from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from o2o.core.models import TimeStampedModel


class Brand(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), unique=True)
    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217 code"))
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    hold_minutes = models.PositiveIntegerField(
        _("reservation hold (minutes)"),
        default=120,
        help_text=_("How long a shop keeps reserved units for a shopper."),
    )
    max_units_per_reservation = models.PositiveSmallIntegerField(
        _("most units per reservation"), default=3
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class BrandMembership(TimeStampedModel):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner: everything")
        ONBOARDING = "onboarding", _("Onboarding: applications and imports")
        ANALYST = "analyst", _("Analyst: look only")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="brand_memberships"
    )
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.ANALYST)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "brand"], name="unique_brand_membership")
        ]

    def __str__(self):
        return f"{self.user} @ {self.brand} ({self.role})"
