import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from o2o.brands.models import Brand
from o2o.catalogue.models import Variant
from o2o.core.models import TimeStampedModel
from o2o.outlets import models as outlet_models
from o2o.outlets.models import Outlet, Retailer

# Instants the database may hold: any value in it can be read back and shown (Python's
# datetime ends at year 9999; PostgreSQL goes on to 294276 and back to 4713 BC).
SANE_SINCE, SANE_UNTIL = outlet_models.SANE_SINCE, outlet_models.SANE_UNTIL


def sane_instant(field, name):
    """A check constraint keeping `field` within SANE_SINCE..SANE_UNTIL."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__gte": SANE_SINCE, f"{field}__lt": SANE_UNTIL}),
        name=name,
    )


class StockLevelQuerySet(models.QuerySet):
    """ "Available", "low" and "out" written once; every reader uses these."""

    def with_available(self):
        return self.annotate(units_free=models.F("on_hand") - models.F("reserved"))

    def out(self):
        return self.filter(on_hand__lte=models.F("reserved"))

    def low(self):
        """Some units available, at or below the outlet's own low-stock threshold."""
        return self.with_available().filter(
            units_free__gt=0, units_free__lte=models.F("outlet__low_stock_units")
        )

    def plenty(self):
        return self.with_available().filter(units_free__gt=models.F("outlet__low_stock_units"))

    def at_stale_outlets(self, *, now=None):
        return self.filter(outlet_models.stale_stock("outlet__", now=now))


class StockLevel(models.Model):
    """Units of one variant in one outlet. available = on_hand - reserved."""

    # both FKs are covered by the composite indexes below: fewer indexes, faster syncs
    outlet = models.ForeignKey(
        Outlet, on_delete=models.CASCADE, related_name="stock_levels", db_index=False
    )
    variant = models.ForeignKey(
        Variant, on_delete=models.CASCADE, related_name="stock_levels", db_index=False
    )
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    synced_at = models.DateTimeField(_("synced at"), null=True, blank=True)

    objects = StockLevelQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["outlet", "variant"], name="unique_stock_level"),
            models.CheckConstraint(condition=models.Q(on_hand__gte=0), name="stock_on_hand_gte_0"),
            models.CheckConstraint(
                condition=models.Q(reserved__gte=0), name="stock_reserved_gte_0"
            ),
            models.CheckConstraint(
                condition=models.Q(reserved__lte=models.F("on_hand")),
                name="stock_reserved_lte_on_hand",
            ),
        ]
        indexes = [models.Index(fields=["variant", "outlet"], name="stock_variant_outlet")]

    def __str__(self):
        return f"{self.variant} @ {self.outlet.code}: {self.on_hand} ({self.reserved} held)"

    @property
    def available(self):
        return self.on_hand - self.reserved

    @property
    def is_low(self):
        return 0 < self.available <= self.outlet.low_stock_units


class StockMovement(models.Model):
    """Every change of on_hand or reserved outside a bulk sync."""

    class Reason(models.TextChoices):
        HOLD = "hold", _("Held for a reservation")
        RELEASE = "release", _("Hold released")
        SALE = "sale", _("Collected / sold")
        ADJUSTMENT = "adjustment", _("Adjustment")
        RECEIPT = "receipt", _("Received")
        SHORTFALL = "shortfall", _("Hold dropped: count below held units")

    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="stock_movements")
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="+")
    on_hand_delta = models.IntegerField(_("on-hand change"), default=0)
    reserved_delta = models.IntegerField(_("reserved change"), default=0)
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    reference = models.CharField(_("reference"), max_length=64, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    occurred_at = models.DateTimeField(
        _("when"),
        default=timezone.now,
        help_text=_("When it happened (the POS clock for point-of-sale events)."),
    )

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["outlet", "occurred_at"])]
        constraints = [sane_instant("occurred_at", "movement_occurred_at_sane")]

    def __str__(self):
        return f"{self.reason} {self.on_hand_delta:+}/{self.reserved_delta:+} {self.reference}"


def hash_token(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


class Integration(TimeStampedModel):
    """A point-of-sale system allowed to push stock: for a retailer's outlets, or for the
    outlets authorised for a brand (a brand-run POS programme)."""

    retailer = models.ForeignKey(
        Retailer, on_delete=models.CASCADE, related_name="integrations", null=True, blank=True
    )
    brand = models.ForeignKey(
        Brand, on_delete=models.CASCADE, related_name="integrations", null=True, blank=True
    )
    name = models.CharField(_("name"), max_length=120)
    token_prefix = models.CharField(_("token prefix"), max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    rotated_at = models.DateTimeField(_("token rotated"), null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(retailer__isnull=False, brand__isnull=True)
                | models.Q(retailer__isnull=True, brand__isnull=False),
                name="integration_retailer_xor_brand",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.token_prefix}…)"


class StockFeed(TimeStampedModel):
    """A URL that Celery pulls on a schedule: a CSV or JSON stock count of one outlet, or of
    many outlets of the retailer (with an outlet column)."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        JSON = "json", "JSON"

    retailer = models.ForeignKey(Retailer, on_delete=models.CASCADE, related_name="stock_feeds")
    outlet = models.ForeignKey(
        Outlet,
        on_delete=models.CASCADE,
        related_name="stock_feeds",
        null=True,
        blank=True,
        help_text=_("Empty when the file has an outlet column."),
    )
    url = models.URLField(_("URL"))
    file_format = models.CharField(
        _("format"), max_length=8, choices=Format.choices, default=Format.CSV
    )
    column_mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    auth_header = models.CharField(
        _("authorization header"),
        max_length=255,
        blank=True,
        help_text=_("Sent as the Authorization header, e.g. 'Bearer abc'. Never shown again."),
    )
    interval_minutes = models.PositiveIntegerField(_("pull every (minutes)"), default=15)
    is_active = models.BooleanField(_("active"), default=True)
    paused_reason = models.CharField(_("paused because"), max_length=255, blank=True)
    next_pull_at = models.DateTimeField(_("next pull"), default=timezone.now)
    last_pulled_at = models.DateTimeField(_("last pulled"), null=True, blank=True)
    last_status = models.CharField(_("last result"), max_length=255, blank=True)
    etag = models.CharField(max_length=255, blank=True)
    last_modified = models.CharField(max_length=64, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)

    class Meta:
        indexes = [models.Index(fields=["is_active", "next_pull_at"])]

    def __str__(self):
        return self.url


def sync_file_path(instance, filename):
    return f"sync-files/{timezone.now():%Y/%m/%d}/{filename}"


class SyncRun(TimeStampedModel):
    """One stock sync (one outlet, or many from one file): what came in, what became of it."""

    class Kind(models.TextChoices):
        SNAPSHOT = "snapshot", _("Snapshot (full count)")
        DELTAS = "deltas", _("Deltas (sales and receipts)")

    class FileFormat(models.TextChoices):
        JSON = "json", "JSON"
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    class Source(models.TextChoices):
        PUSH = "push", _("API push")
        FILE = "file", _("File upload")
        FEED = "feed", _("Scheduled pull")
        COUNT = "count", _("Stock count in the admin")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        APPLIED = "applied", _("Applied")
        IGNORED = "ignored", _("Ignored")
        FAILED = "failed", _("Failed")

    retailer = models.ForeignKey(
        Retailer, on_delete=models.CASCADE, related_name="sync_runs", null=True, blank=True
    )
    outlet = models.ForeignKey(
        Outlet,
        on_delete=models.CASCADE,
        related_name="sync_runs",
        null=True,
        blank=True,
        help_text=_("Empty when a file covers several outlets."),
    )
    integration = models.ForeignKey(
        Integration, on_delete=models.SET_NULL, null=True, blank=True, related_name="sync_runs"
    )
    feed = models.ForeignKey(
        StockFeed, on_delete=models.SET_NULL, null=True, blank=True, related_name="sync_runs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.SNAPSHOT)
    file_format = models.CharField(
        _("format"), max_length=4, choices=FileFormat.choices, default=FileFormat.JSON
    )
    payload_file = models.FileField(_("file"), upload_to=sync_file_path, blank=True)
    column_mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    as_of = models.DateTimeField(_("counted at"))
    payload = models.JSONField(_("payload"), null=True, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_applied = models.PositiveIntegerField(_("rows applied"), default=0)
    rows_rejected = models.PositiveIntegerField(_("rows rejected"), default=0)
    rows_ignored = models.PositiveIntegerField(
        _("rows ignored"), default=0, help_text=_("Rows of outlets whose stock is newer.")
    )
    holds_dropped = models.PositiveIntegerField(_("holds dropped"), default=0)
    attempts = models.PositiveSmallIntegerField(
        _("restarts"), default=0, help_text=_("Times it was queued again after its worker died.")
    )
    message = models.CharField(_("message"), max_length=255, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [sane_instant("as_of", "sync_run_as_of_sane")]
        indexes = [
            models.Index(fields=["outlet", "-created_at"]),
            models.Index(
                fields=["status", "started_at"],
                name="syncrun_unfinished",
                condition=models.Q(status__in=["queued", "running"]),
            ),
        ]

    def __str__(self):
        return f"Sync #{self.pk} {self.status}"


class SyncRowError(models.Model):
    sync_run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="row_errors")
    line = models.PositiveIntegerField(_("line"))
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    message = models.CharField(_("message"), max_length=255)

    class Meta:
        ordering = ["sync_run", "line"]

    def __str__(self):
        return f"line {self.line}: {self.message}"


class CountMark(models.Model):
    """When the newest applied count of one outlet by one source's scope was taken.

    A retailer's count covers the whole shop (brand empty); a brand's count covers only its
    brand's items there. Ordering ("not newer than the last applied") and "already in the
    count" are judged per scope, so one tenant's count never makes another's look old."""

    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="count_marks")
    brand = models.ForeignKey(
        Brand, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    as_of = models.DateTimeField(_("counted at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["outlet"], condition=models.Q(brand__isnull=True), name="unique_shop_count"
            ),
            models.UniqueConstraint(
                fields=["outlet", "brand"],
                condition=models.Q(brand__isnull=False),
                name="unique_brand_count",
            ),
            sane_instant("as_of", "count_mark_as_of_sane"),
        ]

    def __str__(self):
        return f"{self.outlet_id}/{self.brand_id or 'shop'} @ {self.as_of}"


class StockEvent(models.Model):
    """A POS event id already applied to an outlet: deltas are applied once, whatever retries."""

    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="+")
    event_id = models.CharField(max_length=80)
    sync_run = models.ForeignKey(SyncRun, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["outlet", "event_id"], name="unique_stock_event")
        ]

    def __str__(self):
        return f"{self.outlet_id}:{self.event_id}"


class IdempotencyRecord(models.Model):
    """The response given to a request with an Idempotency-Key, replayed for retries."""

    integration = models.ForeignKey(Integration, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["integration", "key"], name="unique_idempotency_key")
        ]

    def __str__(self):
        return self.key
