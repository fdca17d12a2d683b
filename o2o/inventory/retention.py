"""What the sync engine keeps for a while only: Idempotency-Key answers, POS delta event
ids and uploaded stock files. Pruned by beat in batches; no stock row is touched."""

from __future__ import annotations

import datetime
from datetime import timedelta

from django.conf import settings
from django.db.models import Q

from o2o.core.db import delete_in_batches

from .models import IdempotencyRecord, StockEvent, SyncRun

FINISHED = [SyncRun.Status.APPLIED, SyncRun.Status.IGNORED, SyncRun.Status.FAILED]


def _before(now: datetime.datetime, days: int) -> datetime.datetime:
    return now - timedelta(days=days)


def prune_idempotency_records(*, now: datetime.datetime) -> int:
    old = IdempotencyRecord.objects.filter(
        created_at__lt=_before(now, settings.O2O_IDEMPOTENCY_DAYS)
    )
    return delete_in_batches(old)


def prune_stock_events(*, now: datetime.datetime) -> int:
    old = StockEvent.objects.filter(created_at__lt=_before(now, settings.O2O_STOCK_EVENT_DAYS))
    return delete_in_batches(old)


def prune_sync_files(*, now: datetime.datetime) -> int:
    """The files of finished runs past O2O_SYNC_FILE_DAYS leave the storage; the runs, their
    counts and their row errors stay."""
    old = SyncRun.objects.filter(
        ~Q(payload_file=""),
        status__in=FINISHED,
        created_at__lt=_before(now, settings.O2O_SYNC_FILE_DAYS),
    )
    removed = 0
    while True:
        runs = list(old.order_by("pk").only("pk", "payload_file")[: settings.O2O_RETENTION_BATCH])
        if not runs:
            return removed
        for run in runs:
            run.payload_file.storage.delete(run.payload_file.name)
        removed += SyncRun.objects.filter(pk__in=[run.pk for run in runs]).update(payload_file="")
