"""Applying POS deltas (sales, receipts, adjustments since the last push), exactly once.

Each event carries a unique `event_id` per outlet: a replayed event is skipped. An event
that happened before the newest count covering its item (the shop's, or its brand's:
`CountMark`) is already in that count and is skipped too. Each applied event is a
StockMovement dated by the POS clock, so a later snapshot counted before it does not undo
it; an event dated beyond the clock's skew is refused, one within it is clamped.
"""

from collections import defaultdict

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from o2o.catalogue.models import Variant
from o2o.core.generations import stock_changed
from o2o.core.timestamps import parse_timestamp
from o2o.outlets.models import Outlet

from .. import stock
from ..models import CountMark, StockEvent, StockLevel, StockMovement, SyncRowError
from .rows import WHOLE_NUMBER
from .scope import scope_for
from .snapshots import Report

REASONS = {
    "sale": StockMovement.Reason.SALE,
    "receipt": StockMovement.Reason.RECEIPT,
    "adjustment": StockMovement.Reason.ADJUSTMENT,
}


def _parse_delta(value):
    if isinstance(value, bool):
        raise ValueError("delta must be a whole number")
    if isinstance(value, str) and WHOLE_NUMBER.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        raise ValueError("delta must be a whole number")
    if value == 0:
        raise ValueError("delta cannot be zero")
    if abs(value) > settings.O2O_SNAPSHOT_MAX_ON_HAND:
        raise ValueError("delta is not plausible")
    return value


def _parse_event(item, run):
    """(event_id, key, delta, occurred_at, reason) or ValueError."""
    if not isinstance(item, dict):
        raise ValueError("each event must be an object")
    event_id = item.get("event_id")
    if not isinstance(event_id, str | int) or not str(event_id).strip():
        raise ValueError("event_id is missing")
    event_id = str(event_id).strip()
    if len(event_id) > 80:
        raise ValueError("event_id is longer than 80 characters")
    key = item.get("sku", item.get("gtin"))
    if not isinstance(key, str) or not key.strip():
        raise ValueError("sku is missing")
    delta = _parse_delta(item.get("delta"))
    occurred_at = run.created_at
    if item.get("occurred_at") is not None:
        # an event cannot have happened after we received it: clamped to the receipt time
        occurred_at = parse_timestamp(item["occurred_at"], name="occurred_at", now=run.created_at)
    reason = item.get("reason") or ("sale" if delta < 0 else "receipt")
    if reason not in REASONS:
        raise ValueError(f"reason must be one of {', '.join(REASONS)}")
    return event_id, key.strip(), delta, occurred_at, REASONS[reason]


def apply(run):
    """Apply a deltas run inside the caller's transaction (the outlet is locked)."""
    outlet = Outlet.objects.select_for_update().get(pk=run.outlet_id)
    scope = scope_for(run)
    report = Report()
    events, seen = [], {}
    for line, item in enumerate(run.payload or [], start=1):
        try:
            event_id, key, delta, occurred_at, reason = _parse_event(item, run)
        except ValueError as exc:
            report.reject(line, "", str(exc))
            continue
        variant_id = scope.resolve(outlet.pk, key)
        if variant_id is None:
            report.reject(line, key, "unknown SKU or GTIN for this outlet's brands")
            continue
        if event_id in seen:
            report.reject(line, key, f"duplicate event_id (line {seen[event_id]})")
            continue
        seen[event_id] = line
        events.append((line, event_id, variant_id, delta, occurred_at, reason))
    known = set(
        StockEvent.objects.filter(outlet=outlet, event_id__in=list(seen)).values_list(
            "event_id", flat=True
        )
    )
    counted_at = _counted_at(outlet, {event[2] for event in events})
    fresh = [
        event
        for event in events
        if event[1] not in known
        and not (counted_at.get(event[2]) and event[4] <= counted_at[event[2]])
    ]
    run.rows_ignored = len(events) - len(fresh)
    run.holds_dropped = _apply_events(run, outlet, fresh)
    StockEvent.objects.bulk_create(
        [
            StockEvent(outlet=outlet, event_id=event[1], sync_run=run)
            for event in events
            if event[1] not in known
        ],
        ignore_conflicts=True,
    )
    run.rows_rejected = report.rejected
    run.rows_applied = len(fresh)
    run.status = run.Status.APPLIED
    SyncRowError.objects.bulk_create(
        SyncRowError(sync_run=run, line=e.line, sku=e.sku, message=e.message) for e in report.errors
    )
    outlet.stock_synced_at = timezone.now()
    outlet.save(update_fields=["stock_synced_at", "updated_at"])


def _counted_at(outlet, variant_ids):
    """variant id -> when the newest count that covers it here was taken: the shop's
    whole count, or its brand's count of its own items, whichever is newer."""
    marks = dict(CountMark.objects.filter(outlet=outlet).values_list("brand_id", "as_of"))
    if not marks:
        return {}
    brands = dict(Variant.objects.filter(pk__in=variant_ids).values_list("pk", "brand_id"))
    shop = marks.get(None)
    counted = {}
    for variant_id, brand_id in brands.items():
        covering = [when for when in (shop, marks.get(brand_id)) if when is not None]
        if covering:
            counted[variant_id] = max(covering)
    return counted


def _apply_events(run, outlet, events):
    net = defaultdict(int)
    for _line, _event_id, variant_id, delta, _when, _reason in events:
        net[variant_id] += delta
    levels = {
        level.variant_id: level
        for level in StockLevel.objects.select_for_update().filter(
            outlet=outlet, variant_id__in=list(net)
        )
    }
    now, dropped = timezone.now(), 0
    stock_changed(net)
    for variant_id, delta in net.items():
        level = levels.get(variant_id)
        current = level.on_hand if level else 0
        target = max(0, current + delta)
        if level is None:
            StockLevel.objects.create(
                outlet=outlet, variant_id=variant_id, on_hand=target, synced_at=now
            )
            continue
        if level.reserved > target:
            dropped += stock.shortfall(
                outlet_id=outlet.pk, variant_id=variant_id, units=level.reserved - target
            )
        StockLevel.objects.filter(pk=level.pk).update(
            on_hand=F("on_hand") - current + target, synced_at=now
        )
    StockMovement.objects.bulk_create(
        StockMovement(
            outlet=outlet,
            variant_id=variant_id,
            on_hand_delta=delta,
            reason=reason,
            reference=event_id[:64],
            occurred_at=when,
        )
        for _line, event_id, variant_id, delta, when, reason in events
    )
    return dropped
