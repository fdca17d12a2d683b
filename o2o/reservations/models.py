import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from o2o.brands.models import Brand
from o2o.catalogue.models import Variant
from o2o.core.models import TimeStampedModel
from o2o.outlets.models import Outlet

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_LENGTH = 10  # 32**10 ≈ 10**15: unguessable, still easy to read aloud


def new_reservation_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Reservation(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        CONFIRMED = "confirmed", _("Confirmed")
        READY = "ready", _("Ready for pickup")
        COLLECTED = "collected", _("Collected")
        CANCELLED = "cancelled", _("Cancelled")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")

    class Fulfilment(models.TextChoices):
        COLLECT = "collect", _("Collect in store")
        DELIVERY = "delivery", _("Local delivery")

    OPEN_STATUSES = (Status.PENDING, Status.CONFIRMED, Status.READY)

    code = models.CharField(
        _("code"), max_length=16, unique=True, default=new_reservation_code, editable=False
    )
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="reservations")
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="reservations")
    shopper_name = models.CharField(_("name"), max_length=120)
    shopper_email = models.EmailField(_("e-mail"))
    shopper_phone = PhoneNumberField(_("phone"))
    shopper = models.ForeignKey(
        "core.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reservations",
        help_text=_("The signed-in shopper, if any (guests can reserve)."),
    )
    delivery_address = models.CharField(_("delivery address"), max_length=255, blank=True)
    delivery_latitude = models.FloatField(_("delivery latitude"), null=True, blank=True)
    delivery_longitude = models.FloatField(_("delivery longitude"), null=True, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        default="en",
        help_text=_("Messages to the shopper use this language."),
    )
    fulfilment = models.CharField(
        _("fulfilment"), max_length=8, choices=Fulfilment.choices, default=Fulfilment.COLLECT
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    expires_at = models.DateTimeField(_("hold expires at"))
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=255, blank=True)
    stock_shortfall = models.BooleanField(
        _("stock shortfall"),
        default=False,
        help_text=_("A stock count came in below the held units; this hold was dropped."),
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "expires_at"]),
            models.Index(fields=["outlet", "status", "-created_at"]),
        ]

    def __str__(self):
        return f"{self.code} ({self.get_status_display()})"

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    @property
    def is_delivery(self):
        return self.fulfilment == self.Fulfilment.DELIVERY

    def shopper_status(self, status: str | None = None) -> str:
        """The status as the shopper reads it: a delivery is "out for delivery" and
        "delivered", not "ready for pickup" and "collected"."""
        status = status or self.status
        if self.is_delivery and status in DELIVERY_WORDS:
            return str(DELIVERY_WORDS[status])
        return str(self.Status(status).label)


DELIVERY_WORDS = {
    Reservation.Status.READY: _("Out for delivery"),
    Reservation.Status.COLLECTED: _("Delivered"),
}


class ReservationLine(models.Model):
    reservation = models.ForeignKey(Reservation, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(Variant, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="line_quantity_gte_1")
        ]

    def __str__(self):
        return f"{self.quantity} × {self.variant}"


class ReservationEvent(models.Model):
    """The audit trail of a reservation: each status change, by whom, when."""

    reservation = models.ForeignKey(Reservation, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    user = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    # when the change was passed on to the apps that announce it (services.
    # claim_unannounced_changes): the reservation's own transaction leaves it empty, so a
    # change is never lost between its commit and a message to a worker
    announced_at = models.DateTimeField(_("announced"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["id"],
                condition=models.Q(announced_at__isnull=True),
                name="reservation_event_unannounced",
            )
        ]

    def __str__(self):
        return f"{self.from_status or '-'} → {self.to_status}"
