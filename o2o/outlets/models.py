import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField
from timezone_field import TimeZoneField

from o2o.brands.models import Brand
from o2o.core.models import PreviewedImport, TimeStampedModel
from o2o.core.phones import check_phone

from . import hours

LATITUDE = [MinValueValidator(-90), MaxValueValidator(90)]
LONGITUDE = [MinValueValidator(-180), MaxValueValidator(180)]


COUNTRY_ZONES = {"IN": "Asia/Kolkata", "CN": "Asia/Shanghai", "LK": "Asia/Colombo"}


def default_zone(country: str) -> str:
    """The time zone of a one-zone country; UTC where the shop must say (admin, import)."""
    return COUNTRY_ZONES.get(str(country or "").upper(), "UTC")


def validate_zone(value):
    """Kept for migrations 0002-0009 (the zone was a CharField then)."""
    try:
        hours.check_zone(value)
    except hours.HoursError as exc:
        raise ValidationError(str(exc)) from exc


def validate_weekly_hours(value):
    if value in (None, []):
        return
    if not isinstance(value, list) or len(value) != 7:
        raise ValidationError(_("Opening hours need seven days, Monday first."))
    try:
        hours.WeeklyHours.from_json(value)
    except (hours.HoursError, TypeError, ValueError) as exc:
        raise ValidationError(_("Opening hours are not [opens, closes] pairs.")) from exc


class Retailer(TimeStampedModel):
    """A business that owns one or more partner outlets."""

    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(_("slug"), unique=True, max_length=180)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    tax_id = models.CharField(_("tax id (GSTIN / USCC)"), max_length=32, blank=True, db_index=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class RetailerMembership(TimeStampedModel):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        STAFF = "staff", _("Staff")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="retailer_memberships"
    )
    retailer = models.ForeignKey(Retailer, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.STAFF)
    accepted_at = models.DateTimeField(
        _("accepted"),
        null=True,
        blank=True,
        default=timezone.now,
        help_text=_("Empty while the invitation waits: it grants nothing until accepted."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "retailer"], name="unique_retailer_membership")
        ]

    def __str__(self):
        pending = "" if self.accepted_at else ", invited"
        return f"{self.user} @ {self.retailer} ({self.role}{pending})"


SANE_SINCE = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)
SANE_UNTIL = datetime.datetime(9000, 1, 1, tzinfo=datetime.UTC)


def stale_stock(prefix: str = "", *, now=None) -> models.Q:
    """The condition "this outlet's stock is stale" (never synced, or not for
    O2O_STALE_STOCK_HOURS), on an outlet or through `prefix` (e.g. "outlet__")."""
    cutoff = (now or timezone.now()) - datetime.timedelta(hours=settings.O2O_STALE_STOCK_HOURS)
    return models.Q(**{f"{prefix}stock_synced_at__lt": cutoff}) | models.Q(
        **{f"{prefix}stock_synced_at__isnull": True}
    )


class OutletQuerySet(models.QuerySet):
    def stale(self, *, now=None):
        return self.filter(stale_stock(now=now))


class Outlet(TimeStampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        CLOSED = "closed", _("Closed")

    retailer = models.ForeignKey(Retailer, on_delete=models.CASCADE, related_name="outlets")
    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Stable identifier used by the POS and the API."),
    )
    name = models.CharField(_("name"), max_length=160)
    address = models.CharField(_("address"), max_length=255)
    city = models.CharField(_("city"), max_length=120)
    postcode = models.CharField(_("postcode"), max_length=16, blank=True)
    country = CountryField(_("country"))
    latitude = models.FloatField(_("latitude"), validators=LATITUDE)
    longitude = models.FloatField(_("longitude"), validators=LONGITUDE)
    phone = PhoneNumberField(_("phone"), blank=True)
    weekly_hours = models.JSONField(
        _("opening hours"),
        default=list,
        blank=True,
        validators=[validate_weekly_hours],
        help_text=_("Seven days, Monday first, of [opens, closes] pairs in the shop's time zone."),
    )
    timezone = TimeZoneField(_("time zone"), default="Asia/Kolkata", use_pytz=False)
    offers_pickup = models.BooleanField(_("collect in store"), default=True)
    delivery_radius_km = models.PositiveIntegerField(_("local delivery radius (km)"), default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    stock_as_of = models.DateTimeField(
        _("stock counted at"),
        null=True,
        blank=True,
        help_text=_("as_of of the newest applied snapshot"),
    )
    low_stock_units = models.PositiveSmallIntegerField(
        _("low stock at"),
        default=2,
        help_text=_("Units available at or below which an item shows as low stock here."),
    )
    stock_synced_at = models.DateTimeField(_("stock synced at"), null=True, blank=True)

    objects = OutletQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="outlet_lat_lng"),
            models.Index(fields=["retailer", "status"]),
            models.Index(fields=["city"]),
        ]
        constraints = [
            models.CheckConstraint(  # a value every page can read back (see inventory)
                condition=models.Q(stock_as_of__isnull=True)
                | models.Q(stock_as_of__gte=SANE_SINCE, stock_as_of__lt=SANE_UNTIL),
                name="outlet_stock_as_of_sane",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90), name="outlet_latitude"
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__gte=-180, longitude__lte=180),
                name="outlet_longitude",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def stock_is_stale(self, *, now=None) -> bool:
        """The same rule as `stale_stock()`, for one outlet already loaded."""
        if self.stock_synced_at is None:
            return True
        cutoff = (now or timezone.now()) - datetime.timedelta(hours=settings.O2O_STALE_STOCK_HOURS)
        return self.stock_synced_at < cutoff

    def clean(self):
        super().clean()
        check_phone(self, "phone")

    @property
    def tz(self) -> ZoneInfo:
        return self.timezone or ZoneInfo("UTC")

    @property
    def hours(self) -> hours.WeeklyHours:
        try:
            return hours.WeeklyHours.from_json(self.weekly_hours)
        except (hours.HoursError, TypeError, ValueError):
            return hours.WeeklyHours()

    def is_open_at(self, moment) -> bool | None:
        """Whether the shop is open at `moment`; None if its hours are unknown."""
        return self.hours.is_open(moment, self.tz)

    def open_state(self, moment):
        """(open now, until) or (closed now, next opening), in the shop's zone; or None."""
        return self.hours.state(moment, self.tz)

    def after_open_time(self, start, duration: datetime.timedelta):
        """`duration` of the shop's open time after `start` (wall clock if hours unknown)."""
        return self.hours.add_open_time(start, duration, self.tz)


class OutletAuthorization(TimeStampedModel):
    """An outlet may sell a brand only through an active authorisation."""

    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="authorizations")
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="authorizations")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["outlet", "brand"], name="unique_outlet_brand")
        ]
        indexes = [models.Index(fields=["brand", "is_active", "outlet"])]

    def __str__(self):
        return f"{self.outlet} sells {self.brand}"


class OutletApplication(TimeStampedModel):
    """A shop asking to become a brand's partner outlet."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        CHANGES_REQUESTED = "changes", _("Changes requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="applications")
    business_name = models.CharField(_("business name"), max_length=160)
    outlet_name = models.CharField(_("outlet name"), max_length=160)
    contact_name = models.CharField(_("contact name"), max_length=120)
    contact_email = models.EmailField(_("contact e-mail"))
    phone = PhoneNumberField(_("phone"), blank=True)
    tax_id = models.CharField(_("tax id (GSTIN / USCC)"), max_length=32, blank=True)
    address = models.CharField(_("address"), max_length=255)
    city = models.CharField(_("city"), max_length=120)
    postcode = models.CharField(_("postcode"), max_length=16, blank=True)
    country = CountryField(_("country"))
    latitude = models.FloatField(_("latitude"), validators=LATITUDE)
    longitude = models.FloatField(_("longitude"), validators=LONGITUDE)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    duplicate_reasons = models.JSONField(_("possible duplicates"), default=list, blank=True)
    retailer = models.ForeignKey(
        Retailer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Set on approval."),
    )
    outlet = models.ForeignKey(
        Outlet,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Set on approval."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    language = models.CharField(
        _("language"),
        max_length=16,
        default="en",
        help_text=_("Messages to this person use this language."),
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["brand", "status"])]

    def __str__(self):
        return f"{self.outlet_name} → {self.brand} ({self.status})"

    def clean(self):
        super().clean()
        check_phone(self, "phone")


def application_document_path(instance, filename):
    return f"applications/{instance.application_id}/{filename}"


class ApplicationDocument(models.Model):
    """A document uploaded with an application (licence, tax registration, shop photo)."""

    application = models.ForeignKey(
        OutletApplication, on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField(_("file"), upload_to=application_document_path)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.file.name


class OutletImport(PreviewedImport):
    """A file of outlets for a brand: previewed, then imported by Celery with progress."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="outlet_imports")
    file = models.FileField(_("file"), upload_to="outlet-imports/")
    outlets_created = models.PositiveIntegerField(default=0)
    retailers = models.JSONField(
        default=dict, blank=True, help_text="Retailers this import created: business -> id."
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        default="en",
        help_text=_("Invitations to the imported owners use it unless a row names another."),
    )

    def __str__(self):
        return f"Import #{self.pk} ({self.status})"
