"""Launch days: a brand puts a new product on sale at a set time; shoppers register their
interest before it and are told when it starts."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from timezone_field import TimeZoneField

from o2o.brands.models import Brand
from o2o.catalogue.models import Product


class Launch(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        OPEN = "open", _("Open")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="launches")
    product = models.OneToOneField(Product, on_delete=models.CASCADE, related_name="launch")
    starts_at = models.DateTimeField(_("starts at"))
    timezone = TimeZoneField(
        _("time zone shown"),
        default="Asia/Kolkata",
        use_pytz=False,
        help_text=_("The start is shown to shoppers in this zone."),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=Status.choices,
        default=Status.SCHEDULED,
        editable=False,
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self):
        return f"{self.product} at {self.starts_at:%Y-%m-%d %H:%M}"


class LaunchInterest(models.Model):
    """A shopper who asked to be told when the launch starts, in their language."""

    launch = models.ForeignKey(Launch, on_delete=models.CASCADE, related_name="interests")
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=16, default="en")
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["launch", "email"], name="unique_launch_interest")
        ]
        indexes = [models.Index(fields=["launch", "notified_at"])]

    def __str__(self):
        return f"{self.email} for {self.launch}"
