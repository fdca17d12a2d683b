"""The stock sync engine: every source ends here (apply_snapshot)."""

import secrets
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from o2o.catalogue.models import Variant
from o2o.outlets.models import Outlet
from o2o.reservations.services import drop_holds_for_shortfall

from .errors import InvalidSnapshot
from .models import Integration, StockLevel, StockMovement, SyncRowError, SyncRun, hash_token
from .rows import RowError, validate_items

TOKEN_PREFIX_LENGTH = 8


def create_integration(*, retailer, name):
    """Create a POS integration; returns (integration, raw token). The raw token is shown once."""
    raw = f"o2o_{secrets.token_urlsafe(32)}"
    integration = Integration.objects.create(
        retailer=retailer,
        name=name,
        token_prefix=raw[:TOKEN_PREFIX_LENGTH],
        token_hash=hash_token(raw),
    )
    return integration, raw


def integration_for_token(raw):
    """The active integration with this token, or None."""
    if not raw:
        return None
    integration = (
        Integration.objects.select_related("retailer")
        .filter(token_hash=hash_token(raw), is_active=True)
        .first()
    )
    if integration is not None:
        Integration.objects.filter(pk=integration.pk).update(last_used_at=timezone.now())
    return integration


def parse_as_of(value):
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        raise InvalidSnapshot("as_of must be an ISO 8601 date-time.", as_of=["invalid"])
    if timezone.is_naive(parsed):
        raise InvalidSnapshot("as_of must carry a time zone (e.g. Z or +05:30).", as_of=["naive"])
    if parsed > timezone.now() + timezone.timedelta(minutes=5):
        raise InvalidSnapshot("as_of is in the future.", as_of=["future"])
    return parsed


def queue_snapshot(*, outlet, as_of, items, source=SyncRun.Source.PUSH, integration=None):
    """Record a snapshot as a queued SyncRun and have Celery apply it after commit."""
    if not isinstance(items, list):
        raise InvalidSnapshot("items must be a list.", items=["not a list"])
    if len(items) > settings.O2O_SNAPSHOT_MAX_ITEMS:
        raise InvalidSnapshot(
            f"A snapshot holds at most {settings.O2O_SNAPSHOT_MAX_ITEMS} items.",
            items=["too many"],
        )
    run = SyncRun.objects.create(
        outlet=outlet,
        integration=integration,
        source=source,
        as_of=parse_as_of(as_of),
        payload=items,
        rows_total=len(items),
    )
    from .tasks import apply_sync_run_task

    transaction.on_commit(lambda: apply_sync_run_task.delay(run.pk))
    return run


def _variant_ids_by_key(outlet, keys):
    """Map SKU or GTIN -> variant ids among the brands the outlet is authorised for."""
    brand_ids = outlet.authorizations.filter(is_active=True).values("brand_id")
    found = defaultdict(set)
    for chunk_start in range(0, len(keys), settings.O2O_SYNC_CHUNK_ROWS):
        chunk = keys[chunk_start : chunk_start + settings.O2O_SYNC_CHUNK_ROWS]
        rows = (
            Variant.objects.filter(brand_id__in=brand_ids)
            .filter(sku__in=chunk)
            .values_list("sku", "pk")
        )
        for key, pk in rows:
            found[key].add(pk)
        rows = Variant.objects.filter(brand_id__in=brand_ids, gtin__in=chunk).values_list(
            "gtin", "pk"
        )
        for key, pk in rows:
            found[key].add(pk)
    return found


def _later_changes(outlet, as_of):
    """On-hand changes recorded after the count was taken (sales, adjustments), per variant."""
    return dict(
        StockMovement.objects.filter(outlet=outlet, created_at__gt=as_of)
        .exclude(on_hand_delta=0)
        .values_list("variant_id")
        .annotate(total=Sum("on_hand_delta"))
        .values_list("variant_id", "total")
    )


def _resolve_rows(outlet, good):
    """Turn validated rows into {variant_id: (line, on_hand)} plus errors for unknown SKUs."""
    by_key = _variant_ids_by_key(outlet, list(good))
    counts, errors = {}, []
    for key, (line, on_hand) in good.items():
        ids = by_key.get(key, set())
        if not ids:
            errors.append(RowError(line, key[:64], "unknown SKU or GTIN for this outlet's brands"))
        elif len(ids) > 1:
            errors.append(RowError(line, key[:64], "ambiguous: matches several brands' SKUs"))
        else:
            variant_id = next(iter(ids))
            if variant_id in counts:
                errors.append(
                    RowError(line, key[:64], f"same item as line {counts[variant_id][0]}")
                )
            else:
                counts[variant_id] = (line, on_hand)
    return counts, errors


def apply_snapshot(*, sync_run_id):
    """Apply a queued snapshot: idempotent, ordered by as_of, set-based. Returns the SyncRun."""
    with transaction.atomic():
        run = SyncRun.objects.select_for_update().get(pk=sync_run_id)
        if run.status not in (SyncRun.Status.QUEUED, SyncRun.Status.RUNNING):
            return run  # already applied or ignored: a redelivered task does nothing
        outlet = Outlet.objects.select_for_update().get(pk=run.outlet_id)
        now = timezone.now()
        run.started_at = run.started_at or now
        if outlet.stock_as_of and run.as_of <= outlet.stock_as_of:
            run.status = SyncRun.Status.IGNORED
            run.message = (
                f"Not newer than the stock already applied (counted at "
                f"{outlet.stock_as_of.isoformat()})."
            )[:255]
            run.finished_at = now
            run.save()
            return run
        good, errors = validate_items(run.payload or [])
        counts, unknown = _resolve_rows(outlet, good)
        rejected_keys = [error.sku for error in errors if error.sku]
        # never zero an item whose row was rejected: its count is unknown, not zero
        rejected_variants = set().union(*_variant_ids_by_key(outlet, rejected_keys).values())
        errors.extend(unknown)
        later = _later_changes(outlet, run.as_of)
        existing = {
            level.variant_id: level
            for level in StockLevel.objects.select_for_update().filter(outlet=outlet)
        }
        targets = {
            variant_id: max(0, on_hand + later.get(variant_id, 0))
            for variant_id, (_line, on_hand) in counts.items()
        }
        for variant_id in existing:
            if variant_id not in targets and variant_id not in rejected_variants:
                targets[variant_id] = 0  # a snapshot is complete: unlisted items have none
        run.holds_dropped = _resolve_shortfalls(outlet, existing, targets)
        _write_levels(outlet, targets, existing, now)
        outlet.stock_as_of, outlet.stock_synced_at = run.as_of, now
        outlet.save(update_fields=["stock_as_of", "stock_synced_at", "updated_at"])
        errors.sort(key=lambda error: error.line)
        SyncRowError.objects.bulk_create(
            SyncRowError(sync_run=run, line=e.line, sku=e.sku, message=e.message[:255])
            for e in errors[: settings.O2O_SYNC_MAX_ROW_ERRORS]
        )
        run.rows_applied, run.rows_rejected = len(counts), len(errors)
        run.status, run.finished_at = SyncRun.Status.APPLIED, timezone.now()
        run.payload = None  # applied: the counts now live in StockLevel
        run.save()
        return run


def _resolve_shortfalls(outlet, existing, targets):
    """Drop the newest holds where the new count is below the held units."""
    dropped = 0
    for variant_id, on_hand in targets.items():
        level = existing.get(variant_id)
        if level is not None and level.reserved > on_hand:
            dropped += drop_holds_for_shortfall(
                outlet_id=outlet.pk, variant_id=variant_id, units=level.reserved - on_hand
            )
    return dropped


def _write_levels(outlet, targets, existing, now):
    """One upsert per chunk: bulk_create(update_conflicts) works on PostgreSQL and SQLite."""
    changed = [
        StockLevel(outlet_id=outlet.pk, variant_id=variant_id, on_hand=on_hand, synced_at=now)
        for variant_id, on_hand in targets.items()
    ]
    StockLevel.objects.bulk_create(
        changed,
        batch_size=settings.O2O_SYNC_CHUNK_ROWS,
        update_conflicts=True,
        unique_fields=["outlet", "variant"],
        update_fields=["on_hand", "synced_at"],
    )
