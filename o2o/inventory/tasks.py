from celery import shared_task
from django.db import OperationalError
from django.db.utils import IntegrityError

from o2o.core.outbox import enqueue

from . import services


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, IntegrityError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=8,
)
def apply_sync_run_task(sync_run_id):
    return services.apply_sync_run(sync_run_id=sync_run_id).status


@shared_task(acks_late=True, reject_on_worker_lost=True)
def pull_due_feeds_task():
    from .sync.feeds import claim_due_feeds

    feed_ids = claim_due_feeds()
    for feed_id in feed_ids:
        enqueue(pull_feed_task, feed_id)
    return len(feed_ids)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def pull_feed_task(self, feed_id):
    from django.conf import settings

    from .sync.feeds import FeedError, pull_feed, record_failure

    try:
        return pull_feed(feed_id=feed_id)
    except FeedError as exc:
        feed = record_failure(feed_id=feed_id, message=str(exc))
        if exc.transient and feed.is_active and self.request.retries < settings.O2O_FEED_RETRIES:
            countdown = settings.O2O_FEED_RETRY_BASE_SECONDS * 2**self.request.retries
            raise self.retry(countdown=countdown, exc=exc) from exc
        return f"failed: {exc}"


@shared_task(acks_late=True, reject_on_worker_lost=True)
def recover_sync_runs_task():
    from .sync.recovery import recover_sync_runs

    return recover_sync_runs()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def prune_old_records_task():
    return services.prune_old_records()
