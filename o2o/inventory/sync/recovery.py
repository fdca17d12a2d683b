"""Sync runs whose worker died: found and queued again, or failed and reported.

A run being applied holds its row lock (apply_sync_run selects it FOR UPDATE for the
whole transaction). So on PostgreSQL a `running` run whose row can be locked has no live
worker: its worker was killed (kill -9 of the whole worker, a lost machine) or gave up
retrying. Such a run is queued again (`attempts` + 1) at once instead of waiting for the
broker's visibility timeout; after O2O_SYNC_MAX_ATTEMPTS it is failed and the retailer's
owners are told. SQLite holds no row locks: there a run is taken as dead once it has been
running for O2O_SYNC_RUN_TIMEOUT_SECONDS. A `queued` run still waiting after
O2O_SYNC_REQUEUE_SECONDS is sent again (its message may have been lost), and failed if it
still waits after O2O_SYNC_RUN_TIMEOUT_SECONDS."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from o2o.core.outbox import enqueue

from ..models import SyncRun
from ..signals import sync_run_failed

logger = logging.getLogger(__name__)
Status = SyncRun.Status
NEVER_STARTED = (
    "Stopped: no worker took it up in time. Nothing of it was applied; send it again, or "
    "contact support with its number."
)
GAVE_UP = (
    "Stopped: its worker was lost {attempts} times. Nothing of it was applied; send it "
    "again, or contact support with its number."
)


def _abandoned_running(now):
    """Running runs with no live worker (PostgreSQL: unlocked; SQLite: too old)."""
    grace = now - timedelta(seconds=settings.O2O_SYNC_RECOVER_AFTER_SECONDS)
    runs = SyncRun.objects.filter(status=Status.RUNNING, started_at__lte=grace)
    if connection.vendor != "postgresql":
        timeout = now - timedelta(seconds=settings.O2O_SYNC_RUN_TIMEOUT_SECONDS)
        return list(runs.filter(started_at__lte=timeout).values_list("pk", flat=True))
    return list(
        runs.select_for_update(skip_locked=True).order_by("pk").values_list("pk", flat=True)
    )


def recover_sync_runs(*, now=None):
    """Queue again or fail every abandoned run; returns (requeued, failed) counts."""
    from ..tasks import apply_sync_run_task

    now = now or timezone.now()
    requeued, failed = [], []
    with transaction.atomic():
        for pk in _abandoned_running(now):
            run = SyncRun.objects.get(pk=pk)
            if run.attempts >= settings.O2O_SYNC_MAX_ATTEMPTS:
                SyncRun.objects.filter(pk=pk).update(
                    status=Status.FAILED,
                    message=GAVE_UP.format(attempts=run.attempts)[:255],
                    finished_at=now,
                )
                failed.append(pk)
            else:
                SyncRun.objects.filter(pk=pk).update(
                    status=Status.QUEUED, attempts=run.attempts + 1, started_at=None
                )
                requeued.append(pk)
        stale_queue = now - timedelta(seconds=settings.O2O_SYNC_REQUEUE_SECONDS)
        for pk in SyncRun.objects.filter(
            status=Status.QUEUED, created_at__lte=stale_queue, attempts=0
        ).values_list("pk", flat=True):
            SyncRun.objects.filter(pk=pk, status=Status.QUEUED).update(attempts=1)
            requeued.append(pk)
        never_started = now - timedelta(seconds=settings.O2O_SYNC_RUN_TIMEOUT_SECONDS)
        for pk in (
            SyncRun.objects.filter(
                status=Status.QUEUED, created_at__lte=never_started, attempts__gte=1
            )
            .exclude(pk__in=requeued)
            .values_list("pk", flat=True)
        ):
            SyncRun.objects.filter(pk=pk, status=Status.QUEUED).update(
                status=Status.FAILED, message=NEVER_STARTED, finished_at=now
            )
            failed.append(pk)
    for pk in requeued:
        logger.warning("sync #%s had no live worker: queued again", pk)
        enqueue(apply_sync_run_task, pk)
    for pk in failed:
        logger.error("sync #%s failed after its worker was lost too often", pk)
        transaction.on_commit(  # notifications tell the retailer's owners, from Celery
            lambda pk=pk: sync_run_failed.send(sender=SyncRun, sync_run_id=pk)
        )
    return len(requeued), len(failed)
