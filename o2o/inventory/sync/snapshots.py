"""Applying a stock snapshot (a full count at `as_of`) in bulk, with exact semantics.

1. Rows are streamed, validated and resolved in Python, and staged in chunks (COPY on
   PostgreSQL). Memory stays flat apart from a set of (outlet, variant) pairs for duplicates.
2. The staged outlets are locked (FOR UPDATE, in id order). Reservations insert rows that
   reference the outlet (FOR KEY SHARE), so holds and syncs of an outlet never interleave.
3. Outlets whose applied count in the run's scope (the whole shop for a retailer, the
   brand's items for a brand) is as new or newer are skipped (ordering, idempotency).
4. On-hand changes recorded after `as_of` (sales, receipts) are added to the count, so
   nothing sold after the count comes back.
5. Counts below held units drop the newest holds, in this transaction.
6. One UPDATE of the changed counts, one INSERT of the new ones, one UPDATE zeroing items
   that the count does not list (rows rejected for a bad count keep their value).
"""

import datetime
import logging
import time

from django.conf import settings
from django.db import connection
from django.utils import timezone

from o2o.core.generations import availability_changed
from o2o.core.text import storable

from .. import stock
from ..models import SyncRowError, SyncRun
from . import staging
from .rows import NOT_AN_OBJECT, RowError, Unreadable, parse_count, too_many_rows
from .scope import scope_for
from .staging import STAGE, STAGE_OUTLETS

logger = logging.getLogger(__name__)

OUTLET = "outlets_outlet"
LEVEL = "inventory_stocklevel"
MOVEMENT = "inventory_stockmovement"
VARIANT = "catalogue_variant"
MARK = "inventory_countmark"


class Report:
    """Row errors of one sync: every one counted, the first N kept."""

    def __init__(self):
        self.errors, self.rejected = [], 0

    def reject(self, line, key, message):
        self.rejected += 1
        if len(self.errors) < settings.O2O_SYNC_MAX_ROW_ERRORS:
            key, message = storable(key or "")[:64], storable(message)[:255]
            self.errors.append(RowError(line, key, message))


def stage_rows(run, rows, report):
    """Validate, resolve and stage rows; returns the number of rows read.

    The hot loop of the engine: plain tuples, dict and set lookups, one COPY per chunk."""
    scope = scope_for(run)
    single = scope.single_outlet
    limit, chunk = settings.O2O_SYNC_MAX_ROWS, settings.O2O_SYNC_CHUNK_ROWS
    max_count = settings.O2O_SNAPSHOT_MAX_ON_HAND
    outlets, variants, brands_of = scope.outlets, scope.variants, scope.brands_of
    seen, buffer, total = set(), [], 0
    last_code, outlet_id, brands = object(), None, frozenset()
    with staging.writer() as write:
        for line, outlet_code, key, raw in rows:
            total += 1
            if total > limit:
                raise too_many_rows(limit)
            if outlet_code != last_code:  # files are mostly grouped by outlet
                last_code = outlet_code
                outlet_id = _outlet_of(single, outlets, outlet_code)
                brands = brands_of.get(outlet_id, frozenset())
            if outlet_id is None or raw is NOT_AN_OBJECT or not key or type(raw) is Unreadable:
                _reject_row(report, single, line, outlet_id, outlet_code, key, raw)
                continue
            candidates = variants.get(key)
            if candidates is not None and len(candidates) == 1 and candidates[0][1] in brands:
                variant_id = candidates[0][0]
            else:
                variant_id = scope.resolve(outlet_id, key)
                if variant_id is None:
                    report.reject(line, key, "unknown SKU or GTIN for this outlet's brands")
                    continue
            pair = outlet_id << 32 | variant_id
            if pair in seen:
                report.reject(line, key, "duplicate: this item is listed earlier for this outlet")
                continue
            seen.add(pair)
            if (
                type(raw) is str
                and raw.isascii()
                and raw.isdigit()
                and len(raw) < 10
                and int(raw) <= max_count
            ):
                on_hand = int(raw)
            elif type(raw) is int and 0 <= raw <= max_count:
                on_hand = raw
            else:
                try:
                    on_hand = parse_count(raw)
                except ValueError as exc:
                    report.reject(line, key, str(exc))
                    buffer.append((line, outlet_id, variant_id, None))  # keep it, don't zero it
                    continue
            buffer.append((line, outlet_id, variant_id, on_hand))
            if len(buffer) >= chunk:
                write(buffer)
                buffer = []
        write(buffer)
    return total


def _outlet_of(single, outlets, outlet_code):
    if single:
        return single[1] if not outlet_code or outlet_code == single[0] else None
    return outlets.get(outlet_code)


def _reject_row(report, single, line, outlet_id, outlet_code, key, raw):
    """Say why a row without an outlet, an item object or a SKU is rejected."""
    if raw is NOT_AN_OBJECT:
        report.reject(line, "", "each item must be an object")
    elif type(raw) is Unreadable:
        report.reject(line, key, str(raw))
    elif outlet_id is None and single:
        report.reject(line, key, f"row is for outlet {outlet_code}, not {single[0]}")
    elif outlet_id is None:
        message = f"unknown outlet: {outlet_code}" if outlet_code else "outlet is missing"
        report.reject(line, key, message)
    else:
        report.reject(line, "", "sku is missing")


def _execute(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _fetch(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _scope_condition(brand_id):
    """The count marks of a run's scope: the brand's, or the whole shop's (brand empty)."""
    if brand_id is None:
        return "brand_id IS NULL", []
    return "brand_id = %s", [brand_id]


def _lock_outlets(run, brand_id):
    """Lock the staged outlets in id order; skip those whose count *in this run's scope*
    is as new or newer (a brand's count never makes the retailer's look old, nor back)."""
    if run.outlet_id:
        _execute(f"INSERT INTO {STAGE_OUTLETS} (id) VALUES (%s)", [run.outlet_id])
    else:
        _execute(f"INSERT INTO {STAGE_OUTLETS} (id) SELECT DISTINCT outlet_id FROM {STAGE}")
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    outlets = _fetch(
        f"SELECT id, code FROM {OUTLET} WHERE id IN (SELECT id FROM {STAGE_OUTLETS})"
        f" ORDER BY id{lock}"
    )
    scope, params = _scope_condition(brand_id)
    marks = dict(
        _fetch(
            f"SELECT outlet_id, as_of FROM {MARK} WHERE {scope}"
            f" AND outlet_id IN (SELECT id FROM {STAGE_OUTLETS})",
            params,
        )
    )
    stale = [
        (pk, code, marks[pk])
        for pk, code in outlets
        if pk in marks and _is_stale(marks[pk], run.as_of)
    ]
    return len(outlets), stale


def _mark_counted(as_of, brand_id, now):
    """Record this count as the newest of its scope at every staged outlet."""
    scope, params = _scope_condition(brand_id)
    _execute(
        f"UPDATE {MARK} SET as_of = %s WHERE {scope}"
        f" AND outlet_id IN (SELECT id FROM {STAGE_OUTLETS})",
        [as_of, *params],
    )
    _execute(
        f"INSERT INTO {MARK} (outlet_id, brand_id, as_of) SELECT o.id, %s, %s"
        f" FROM {STAGE_OUTLETS} o WHERE NOT EXISTS (SELECT 1 FROM {MARK} m"
        f"  WHERE m.outlet_id = o.id AND m.{scope})",
        [brand_id, as_of, *params],
    )
    shop_count = ", stock_as_of = %s" if brand_id is None else ""
    _execute(
        f"UPDATE {OUTLET} SET stock_synced_at = %s{shop_count}"
        f" WHERE id IN (SELECT id FROM {STAGE_OUTLETS})",
        [now, as_of] if brand_id is None else [now],
    )


def _is_stale(applied, incoming):
    if applied is None:
        return False
    if timezone.is_naive(applied):  # SQLite raw rows come back naive (UTC)
        applied = timezone.make_aware(applied, datetime.UTC)
    return incoming <= applied


def _skip_stale(stale, report):
    """Drop the rows of outlets with newer stock; one report line per outlet."""
    ignored = 0
    for pk, code, applied in stale:
        counts = _fetch(f"SELECT count(*), min(line) FROM {STAGE} WHERE outlet_id = %s", [pk])
        rows, first_line = counts[0]
        ignored += rows
        _execute(f"DELETE FROM {STAGE} WHERE outlet_id = %s", [pk])
        _execute(f"DELETE FROM {STAGE_OUTLETS} WHERE id = %s", [pk])
        if first_line is not None or len(stale) > 1:
            report.errors.append(
                RowError(
                    first_line or 0,
                    "",
                    f"outlet {code}: not newer than the stock already applied "
                    f"(counted at {applied}); its {rows} rows were ignored"[:255],
                )
            )
    return ignored


def _add_later_changes(as_of):
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    _execute(
        f"UPDATE {STAGE} SET on_hand = {greatest}(0, {STAGE}.on_hand + m.delta) FROM ("
        f"  SELECT outlet_id, variant_id, SUM(on_hand_delta) AS delta FROM {MOVEMENT}"
        f"  WHERE outlet_id IN (SELECT id FROM {STAGE_OUTLETS}) AND occurred_at > %s"
        f"  AND on_hand_delta <> 0 GROUP BY outlet_id, variant_id"
        f") m WHERE {STAGE}.outlet_id = m.outlet_id AND {STAGE}.variant_id = m.variant_id"
        f" AND {STAGE}.on_hand IS NOT NULL",
        [as_of],
    )


def _brand_filter(brand_id, column):
    """A brand's POS counts only that brand's items: the rest of the shop is not its count."""
    if brand_id is None:
        return "", []
    return f" AND {column} IN (SELECT id FROM {VARIANT} WHERE brand_id = %s)", [brand_id]


def _drop_shortfall_holds(brand_id):
    only_brand, params = _brand_filter(brand_id, "sl.variant_id")
    shortfalls = _fetch(
        f"SELECT sl.outlet_id, sl.variant_id, sl.reserved - COALESCE(s.on_hand, 0)"
        f" FROM {LEVEL} sl JOIN {STAGE_OUTLETS} o ON o.id = sl.outlet_id"
        f" LEFT JOIN {STAGE} s ON s.outlet_id = sl.outlet_id AND s.variant_id = sl.variant_id"
        f" WHERE sl.reserved > 0 AND (s.line IS NULL OR s.on_hand IS NOT NULL)"
        f" AND sl.reserved > COALESCE(s.on_hand, 0){only_brand}",
        params,
    )
    return sum(
        stock.shortfall(outlet_id=outlet_id, variant_id=variant_id, units=units)
        for outlet_id, variant_id, units in shortfalls
    )


def _write_levels(now, brand_id):
    if connection.vendor == "postgresql":
        # new rows get the locator's position and visibility here, set-based (migration
        # 0007's row trigger only fills rows that come without them)
        written = _execute(
            f"MERGE INTO {LEVEL} sl"
            f" USING (SELECT st.outlet_id, st.variant_id, st.on_hand, o.latitude, o.longitude,"
            f"  o.status = 'active' AND a.id IS NOT NULL AS shown FROM {STAGE} st"
            f"  JOIN outlets_outlet o ON o.id = st.outlet_id"
            f"  JOIN catalogue_variant v ON v.id = st.variant_id"
            f"  LEFT JOIN outlets_outletauthorization a ON a.outlet_id = st.outlet_id"
            f"   AND a.brand_id = v.brand_id AND a.is_active"
            f"  WHERE st.on_hand IS NOT NULL) s"
            f" ON sl.outlet_id = s.outlet_id AND sl.variant_id = s.variant_id"
            f" WHEN MATCHED AND sl.on_hand <> s.on_hand THEN"
            f"  UPDATE SET on_hand = s.on_hand, synced_at = %s"
            f" WHEN NOT MATCHED THEN INSERT"
            f"  (outlet_id, variant_id, on_hand, reserved, synced_at, spot, shown)"
            f"  VALUES (s.outlet_id, s.variant_id, s.on_hand, 0, %s,"
            f"  point(s.longitude + s.variant_id * 400.0, s.latitude), s.shown)",
            [now, now],
        )
    else:
        written = _update_then_insert(now)
    if not _has_unlisted_stock(brand_id):
        return written
    only_brand, params = _brand_filter(brand_id, f"{LEVEL}.variant_id")
    zeroed = _execute(
        f"UPDATE {LEVEL} SET on_hand = 0, synced_at = %s"
        f" WHERE outlet_id IN (SELECT id FROM {STAGE_OUTLETS}) AND on_hand <> 0"
        f" AND NOT EXISTS (SELECT 1 FROM {STAGE} s WHERE s.outlet_id = {LEVEL}.outlet_id"
        f"  AND s.variant_id = {LEVEL}.variant_id){only_brand}",
        [now, *params],
    )
    return written + zeroed


def _has_unlisted_stock(brand_id):
    """Whether the staged outlets hold units of items the count does not list.

    Each (outlet, variant) is staged at most once, so after the upsert the non-zero rows of
    the staged outlets are: the staged non-zero counts, the rejected rows' kept counts, and
    the unlisted ones. Three counts are much cheaper than the anti-join they usually avoid."""
    only_brand, params = _brand_filter(brand_id, f"{LEVEL}.variant_id")
    ((nonzero,),) = _fetch(
        f"SELECT count(*) FROM {LEVEL} WHERE outlet_id IN (SELECT id FROM {STAGE_OUTLETS})"
        f" AND on_hand <> 0{only_brand}",
        params,
    )
    ((staged,),) = _fetch(f"SELECT count(*) FROM {STAGE} WHERE on_hand > 0")
    ((kept,),) = _fetch(
        f"SELECT count(*) FROM {STAGE} s JOIN {LEVEL} sl ON sl.outlet_id = s.outlet_id"
        f" AND sl.variant_id = s.variant_id WHERE s.on_hand IS NULL AND sl.on_hand <> 0"
    )
    return nonzero > staged + kept


def _update_then_insert(now):
    """The portable path (SQLite has no MERGE)."""
    changed = _execute(
        f"UPDATE {LEVEL} SET on_hand = s.on_hand, synced_at = %s FROM {STAGE} s"
        f" WHERE {LEVEL}.outlet_id = s.outlet_id AND {LEVEL}.variant_id = s.variant_id"
        f" AND s.on_hand IS NOT NULL AND {LEVEL}.on_hand <> s.on_hand",
        [now],
    )
    created = _execute(
        f"INSERT INTO {LEVEL} (outlet_id, variant_id, on_hand, reserved, synced_at)"
        f" SELECT s.outlet_id, s.variant_id, s.on_hand, 0, %s FROM {STAGE} s"
        f" WHERE s.on_hand IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {LEVEL} sl"
        f"  WHERE sl.outlet_id = s.outlet_id AND sl.variant_id = s.variant_id)",
        [now],
    )
    return changed + created


def _prepare_stage():
    """Give the planner statistics (PostgreSQL) or an index (SQLite) for the joins."""
    if connection.vendor == "postgresql":
        # big joins want memory: hash them in RAM rather than spill to disk
        _execute(f"SET LOCAL work_mem = '{int(settings.O2O_SYNC_WORK_MEM_MB)}MB'")
        _execute(f"ANALYZE {STAGE}")
    else:
        _execute(f"CREATE INDEX {STAGE}_pair ON {STAGE} (outlet_id, variant_id)")


class Phases:
    """Wall time of each phase of a sync, logged for operators."""

    def __init__(self):
        self.last = time.perf_counter()
        self.times = []

    def mark(self, name):
        now = time.perf_counter()
        self.times.append(f"{name} {now - self.last:.2f}s")
        self.last = now

    def __str__(self):
        return ", ".join(self.times)


def apply(run, rows):
    """Apply a snapshot run inside the caller's transaction. Returns the finished run."""
    report, phases = Report(), Phases()
    staging.create()
    run.rows_total = stage_rows(run, rows, report)
    phases.mark("stage")
    brand_id = run.integration.brand_id if run.integration else None
    locked, stale = _lock_outlets(run, brand_id)
    run.rows_ignored = _skip_stale(stale, report)
    phases.mark("lock")
    if stale and len(stale) == locked:
        run.status = SyncRun.Status.IGNORED
        run.message = "Not newer than the stock already applied."
    else:
        now = timezone.now()
        _prepare_stage()
        _add_later_changes(run.as_of)
        phases.mark("later changes")
        run.holds_dropped = _drop_shortfall_holds(brand_id)
        phases.mark("shortfalls")
        _write_levels(now, brand_id)
        phases.mark("write")
        _mark_counted(run.as_of, brand_id, now)
        run.status = SyncRun.Status.APPLIED
        availability_changed()
    staging.drop()
    run.rows_rejected = report.rejected
    run.rows_applied = max(0, run.rows_total - run.rows_rejected - run.rows_ignored)
    SyncRowError.objects.bulk_create(
        (
            SyncRowError(sync_run=run, line=e.line, sku=e.sku, message=e.message)
            for e in sorted(report.errors, key=lambda error: error.line)
        ),
        batch_size=1000,
    )
    phases.mark("finish")
    logger.info("sync #%s: %s rows, %s", run.pk, run.rows_total, phases)
    return run
