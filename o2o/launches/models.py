"""Launch days: a brand puts a new product on sale at a set time; shoppers register their
interest before it and are told when it starts."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from timezone_field import TimeZoneField

from o2o.brands.models import Brand
from o2o.catalogue.models import Product
from o2o.outlets.models import Outlet
from o2o.reservations.models import Reservation


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
    per_shopper_limit = models.PositiveSmallIntegerField(
        _("units per shopper"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("The most units one shopper may reserve in the launch."),
    )
    admission_minutes = models.PositiveSmallIntegerField(
        _("minutes to reserve"),
        default=10,
        validators=[MinValueValidator(2), MaxValueValidator(60)],
        help_text=_(
            "A shopper whose turn has come has this long to reserve, then the place "
            "passes to the next in the queue."
        ),
    )
    admit_per_second = models.PositiveSmallIntegerField(
        _("shoppers let in per second"),
        default=50,
        validators=[MaxValueValidator(1000)],
        help_text=_(
            "At most this many shoppers' turns start each second, so the site stays "
            "fast for everyone during the launch (0: no limit)."
        ),
    )
    queue_closes_at = models.DateTimeField(
        _("queue closes at"),
        null=True,
        blank=True,
        help_text=_(
            "Until then every reservation of the product goes through the queue; "
            "afterwards the product is reserved as any other."
        ),
    )
    # The queue's counters, changed under this row's lock only (launches.queue).
    tickets_issued = models.PositiveIntegerField(default=0, editable=False)
    admitted_through = models.PositiveIntegerField(default=0, editable=False)
    units_total = models.PositiveIntegerField(default=0, editable=False)
    units_held = models.PositiveIntegerField(default=0, editable=False)
    units_reserved = models.PositiveIntegerField(default=0, editable=False)
    admit_tokens = models.FloatField(default=0, editable=False)  # turns that may start now
    tokens_at = models.FloatField(null=True, blank=True, editable=False)  # as of (epoch s)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    units_total__gte=models.F("units_held") + models.F("units_reserved")
                ),
                name="launch_units_within_total",
            ),
            models.CheckConstraint(
                condition=models.Q(admitted_through__lte=models.F("tickets_issued")),
                name="launch_admits_issued_tickets",
            ),
        ]

    def __str__(self):
        return f"{self.product} at {self.starts_at:%Y-%m-%d %H:%M}"

    def queue_open_at(self, now) -> bool:
        """Whether shoppers join the queue now (from the start until it closes)."""
        return self.queue_closes_at is not None and self.starts_at <= now < self.queue_closes_at


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


class LaunchAllocation(models.Model):
    """The units an outlet puts aside for a launch; `taken` of them are reserved."""

    launch = models.ForeignKey(Launch, on_delete=models.CASCADE, related_name="allocations")
    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="+")
    units = models.PositiveIntegerField(_("units put aside"))
    taken = models.PositiveIntegerField(_("units reserved"), default=0, editable=False)

    class Meta:
        ordering = ["outlet__code"]
        constraints = [
            models.UniqueConstraint(fields=["launch", "outlet"], name="unique_launch_outlet"),
            models.CheckConstraint(
                condition=models.Q(taken__lte=models.F("units")), name="launch_allocation_kept"
            ),
        ]

    def __str__(self):
        return f"{self.units} at {self.outlet_id}"


class QueueTicket(models.Model):
    """A shopper's place in a launch's queue: numbered on arrival, admitted in number order
    while units are free, used once for one reservation or expired after its window."""

    launch = models.ForeignKey(Launch, on_delete=models.CASCADE, related_name="tickets")
    number = models.PositiveIntegerField()
    email = models.EmailField()
    language = models.CharField(max_length=16, default="en")
    joined_at = models.DateTimeField()
    admitted_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    held = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)
    reservation = models.OneToOneField(
        Reservation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    units = models.PositiveSmallIntegerField(default=0)
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["launch", "number"]
        constraints = [
            models.UniqueConstraint(fields=["launch", "number"], name="unique_ticket_number"),
            models.UniqueConstraint(fields=["launch", "email"], name="one_ticket_per_shopper"),
        ]
        indexes = [models.Index(fields=["launch", "expires_at"])]

    def __str__(self):
        return f"#{self.number} of {self.launch_id}"


class QueueSample(models.Model):
    """A launch queue's length at a minute, for the dashboard's queue over time."""

    launch = models.ForeignKey(Launch, on_delete=models.CASCADE, related_name="samples")
    at = models.DateTimeField()
    waiting = models.PositiveIntegerField()
    admitted = models.PositiveIntegerField()
    reserved = models.PositiveIntegerField()

    class Meta:
        ordering = ["launch", "at"]
        constraints = [models.UniqueConstraint(fields=["launch", "at"], name="one_sample_a_minute")]

    def __str__(self):
        return f"{self.waiting} waiting at {self.at:%H:%M}"
