"""The stock sync engine: every source (push, file, feed) ends in apply_sync_run."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from o2o.catalogue.models import Variant
from o2o.core import metrics
from o2o.core.db import atomic_with_retry
from o2o.core.outbox import enqueue_on_commit
from o2o.core.text import storable, unstorable_reason
from o2o.core.timestamps import BadTimestamp, parse_timestamp

from . import stock
from .errors import InvalidSnapshot, StockBelowHolds
from .locks import lock_outlet
from .models import StockLevel, StockMovement, SyncRun
from .sync import deltas, snapshots
from .sync.rows import REJECTED, csv_rows, json_rows, xlsx_rows

if TYPE_CHECKING:
    import datetime

    from o2o.outlets.models import Outlet, Retailer

    from .models import Integration


logger = logging.getLogger(__name__)


def parse_as_of(value: Any, *, now: datetime.datetime | None = None) -> datetime.datetime:
    """When a count was taken: a sane, aware date-time, clamped to the server's clock."""
    try:
        return parse_timestamp(value, name="as_of", now=now)
    except BadTimestamp as exc:
        raise InvalidSnapshot(f"{exc}.", as_of=[str(exc)]) from exc


def _queue(run: SyncRun) -> SyncRun:
    from .tasks import apply_sync_run_task

    enqueue_on_commit(apply_sync_run_task, run.pk)
    return run


def _check_items(items: list, limit: int) -> list:
    """The items as they can be stored: one the database cannot hold (a NUL byte, a lone
    surrogate, deep nesting) is replaced by a marker the engine reports for its line."""
    if not isinstance(items, list):
        raise InvalidSnapshot("items must be a list.", items=["not a list"])
    if len(items) > limit:
        raise InvalidSnapshot(f"A sync holds at most {limit} items.", items=["too many"])
    return [{REJECTED: reason} if (reason := unstorable_reason(item)) else item for item in items]


def queue_snapshot(
    *,
    outlet: Outlet,
    as_of: Any,
    items: list,
    integration: Integration | None = None,
    source: str = SyncRun.Source.PUSH,
) -> SyncRun:
    """Record a pushed snapshot of one outlet and have Celery apply it after commit."""
    items = _check_items(items, settings.O2O_SNAPSHOT_MAX_ITEMS)
    return _queue(
        SyncRun.objects.create(
            retailer_id=outlet.retailer_id,
            outlet=outlet,
            integration=integration,
            source=source,
            as_of=parse_as_of(as_of),
            payload=items,
            rows_total=len(items),
        )
    )


def queue_deltas(
    *, outlet: Outlet, events: list, integration: Integration | None = None
) -> SyncRun:
    """Record pushed sales/receipts (each with a unique event id) and have Celery apply them."""
    events = _check_items(events, settings.O2O_SNAPSHOT_MAX_ITEMS)
    return _queue(
        SyncRun.objects.create(
            retailer_id=outlet.retailer_id,
            outlet=outlet,
            integration=integration,
            source=SyncRun.Source.PUSH,
            kind=SyncRun.Kind.DELTAS,
            as_of=timezone.now(),
            payload=events,
            rows_total=len(events),
        )
    )


FILE_FORMATS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".json": "json"}


def file_format_for(name: str) -> str:
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in FILE_FORMATS:
        raise InvalidSnapshot("Upload a .csv, .xlsx or .json file.", file=["format"])
    return FILE_FORMATS[suffix]


def queue_file(
    *,
    uploaded: Any,
    as_of: Any,
    retailer: Retailer | None = None,
    outlet: Outlet | None = None,
    integration: Integration | None = None,
    user: Any = None,
    column_mapping: dict | None = None,
    source: str = SyncRun.Source.FILE,
    feed: Any = None,
    file_format: str | None = None,
) -> SyncRun:
    """Store a stock file (CSV, XLSX or JSON; one outlet or an outlet column) and queue it."""
    if uploaded.size > settings.O2O_SYNC_MAX_FILE_BYTES:
        raise InvalidSnapshot(
            f"The file is larger than {settings.O2O_SYNC_MAX_FILE_BYTES // 2**20} MB.",
            file=["too large"],
        )
    file_format = file_format or file_format_for(uploaded.name)
    retailer_id = outlet.retailer_id if outlet else (retailer.pk if retailer else None)
    if retailer_id is None and not (integration and integration.brand_id):
        raise InvalidSnapshot("Say which retailer or outlet the file is for.", outlet=["missing"])
    run = SyncRun(
        retailer_id=retailer_id,
        outlet=outlet,
        integration=integration,
        created_by=user,
        source=source,
        feed=feed,
        as_of=parse_as_of(as_of),
        file_format=file_format,
        column_mapping=column_mapping or {},
    )
    run.payload_file.save(uploaded.name, uploaded, save=False)
    run.save()
    return _queue(run)


def _rows_of(run: SyncRun) -> Iterator:
    """Stream the rows of a run, whatever its source."""
    if not run.payload_file:
        return json_rows(run.payload or [])
    mapping = run.column_mapping or {}
    if run.file_format == SyncRun.FileFormat.XLSX:
        return xlsx_rows(run.payload_file.path, mapping)
    if run.file_format == SyncRun.FileFormat.JSON:
        return json_rows(_json_file_items(run))
    return csv_rows(run.payload_file.open("rb"), mapping)


def _json_file_items(run: SyncRun) -> list:
    import json

    with run.payload_file.open("rb") as handle:
        try:
            document = json.load(handle)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise InvalidSnapshot("The file is not valid JSON.", file=["json"]) from exc
    items = document.get("items") if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise InvalidSnapshot(
            'The JSON file must be a list of items or {"items": [...]}.', file=["json"]
        )
    return items


UNEXPECTED_FAILURE = (
    "The sync stopped on an unexpected error and nothing of it was applied: the stock is "
    "as it was. Send it again; if it fails again, contact support with its number."
)


def fail_sync_run(*, sync_run_id: int, message: str, statuses: list[str] | None = None) -> SyncRun:
    """Mark an unfinished run failed (its transaction rolled back: stock as before)."""
    runs = SyncRun.objects.filter(pk=sync_run_id)
    if statuses is not None:
        runs = runs.filter(status__in=statuses)
    runs.update(
        status=SyncRun.Status.FAILED,
        message=storable(message)[:255],
        finished_at=timezone.now(),
    )
    return SyncRun.objects.get(pk=sync_run_id)


def _start(sync_run_id: int) -> None:
    """Mark the run as running (committed), so a redelivered task can tell it was started."""
    SyncRun.objects.filter(pk=sync_run_id, status=SyncRun.Status.QUEUED).update(
        status=SyncRun.Status.RUNNING, started_at=timezone.now()
    )


def apply_sync_run(*, sync_run_id: int) -> SyncRun:
    """Apply a queued run exactly once; a redelivered or duplicate task does nothing more."""
    _start(sync_run_id)
    try:
        with transaction.atomic():
            run = (
                SyncRun.objects.select_related("integration")
                .select_for_update(of=("self",))
                .get(pk=sync_run_id)
            )
            if run.status != SyncRun.Status.RUNNING:
                return run
            if run.kind == SyncRun.Kind.DELTAS:
                deltas.apply(run)
            else:
                snapshots.apply(run, _rows_of(run))
            run.finished_at = timezone.now()
            run.payload = None  # applied: what it said now lives in the stock table
            run.save()
            committing = time.perf_counter()
        # the commit runs the deferred foreign-key checks of newly inserted stock rows
        logger.info("sync #%s committed in %.2fs", run.pk, time.perf_counter() - committing)
    except InvalidSnapshot as exc:
        run = fail_sync_run(sync_run_id=sync_run_id, message=exc.message)
    except (OperationalError, IntegrityError):
        raise  # a lock timeout, a lost connection, a race: the task retries the whole run
    except Exception:
        logger.exception("sync #%s stopped on an unexpected error", sync_run_id)
        run = fail_sync_run(sync_run_id=sync_run_id, message=UNEXPECTED_FAILURE)
    metrics.SYNC_RUNS.labels(kind=run.kind, status=run.status).inc()
    if run.status == SyncRun.Status.APPLIED:
        metrics.SYNC_ROWS.labels(result="applied").inc(run.rows_applied)
        metrics.SYNC_ROWS.labels(result="rejected").inc(run.rows_rejected)
        if run.kind == SyncRun.Kind.SNAPSHOT:
            metrics.SYNC_LAG.set((timezone.now() - run.as_of).total_seconds())
        _after_apply(run)
    return run


def _after_apply(run: SyncRun) -> None:
    """Announce the applied run once it commits (the locator tells waiting shoppers)."""
    from .signals import stock_counted

    transaction.on_commit(lambda: stock_counted.send(sender=SyncRun, sync_run_id=run.pk))


def check_units(on_hand: Any) -> None:
    """A count by hand is a whole number from 0 to O2O_SNAPSHOT_MAX_ON_HAND (the bound of
    a pushed count); raises the domain error that says so."""
    if isinstance(on_hand, bool) or not isinstance(on_hand, int) or on_hand < 0:
        raise InvalidSnapshot("A count is a whole number, 0 or more.", on_hand=["invalid"])
    if on_hand > settings.O2O_SNAPSHOT_MAX_ON_HAND:
        raise InvalidSnapshot(
            f"A count is at most {settings.O2O_SNAPSHOT_MAX_ON_HAND:,} units.",
            on_hand=["too_large"],
        )


def check_count(*, level: StockLevel, on_hand: int) -> None:
    """`check_units`, and not below the held units (those are declined first)."""
    check_units(on_hand)
    if level.pk and on_hand < level.reserved:
        raise StockBelowHolds(
            f"{level.reserved} units are held for reservations ({level.variant}): "
            f"count at least {level.reserved}, or decline reservations first."
        )


@atomic_with_retry
def set_on_hand(
    *, level_id: int, on_hand: int, user: Any = None, reason: str = StockMovement.Reason.ADJUSTMENT
) -> StockLevel:
    """Correct one count by hand: refused below the held units; writes a StockMovement."""
    check_units(on_hand)  # the number itself, before any lock
    outlet_id = StockLevel.objects.values_list("outlet_id", flat=True).get(pk=level_id)
    lock_outlet(outlet_id)  # the lock order of locks.py: outlet first
    level = StockLevel.objects.select_for_update().get(pk=level_id)
    check_count(level=level, on_hand=on_hand)
    stock.adjust(level=level, on_hand=on_hand, reference="admin", user=user, reason=reason)
    level.on_hand = on_hand
    return level


def apply_counts_now(
    *, retailer: Retailer, items: list, as_of: Any = None, user: Any = None
) -> SyncRun:
    """Apply a multi-outlet count of one retailer (items with an "outlet" code) through the
    engine at once, in the caller's transaction: the bulk path for data loaded by hand
    (the demo). Returns the finished run."""
    items = _check_items(items, settings.O2O_SYNC_MAX_ROWS)
    run = SyncRun.objects.create(
        retailer=retailer,
        created_by=user,
        source=SyncRun.Source.COUNT,
        as_of=parse_as_of(as_of or timezone.now()),
        payload=items,
        rows_total=len(items),
    )
    return apply_sync_run(sync_run_id=run.pk)


def queue_count(*, outlet: Outlet, counts: dict[str, int], user: Any = None) -> SyncRun:
    """A whole-outlet stock count typed in the admin: a snapshot through the engine."""
    items = [{"sku": sku, "on_hand": count} for sku, count in counts.items()]
    run = queue_snapshot(
        outlet=outlet, as_of=timezone.now(), items=items, source=SyncRun.Source.COUNT
    )
    SyncRun.objects.filter(pk=run.pk).update(created_by=user)
    return run


def list_brand_items(*, outlet_id: int, brand_id: int) -> int:
    """A new partner outlet starts with every active item of its brand listed at zero,
    so its staff can count them at once (receiver of outlets' `outlet_joined`)."""
    ids = list(
        Variant.objects.filter(brand_id=brand_id, is_active=True).values_list("pk", flat=True)
    )
    return stock.list_items(outlet_id=outlet_id, variant_ids=ids)


def on_outlet_joined(sender: Any, *, outlet_id: int, brand_id: int, **kwargs: Any) -> None:
    list_brand_items(outlet_id=outlet_id, brand_id=brand_id)


def prune_old_records(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Forget what is kept for a while only (inventory/retention.py); counts removed."""
    from . import retention

    now = now or timezone.now()
    return {
        "idempotency_records": retention.prune_idempotency_records(now=now),
        "stock_events": retention.prune_stock_events(now=now),
        "sync_files": retention.prune_sync_files(now=now),
    }
