"""Sending is retried with exponential backoff (and jitter) when the mail provider or the
SMS gateway does not answer; a message whose subject no longer exists is dropped."""

from celery import shared_task
from django.db import transaction

from o2o.core.outbox import enqueue
from o2o.reservations.services import claim_unannounced_changes

from . import services
from .delivery import TRANSIENT

RETRIED = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
    "ignore_result": True,
}


ANNOUNCED_PER_BATCH = 500
BATCHES_PER_RUN = 20


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def announce_reservation_changes_task():
    """A message for each reservation whose status changed since the last run (nudged
    after commits, and every minute by beat); the changes are marked in the same
    transaction as the messages are sent or kept in the outbox, so none is lost. A run
    passes on at most BATCHES_PER_RUN batches and queues another for the rest."""
    announced = 0
    for _batch in range(BATCHES_PER_RUN):
        with transaction.atomic():
            changed = claim_unannounced_changes(limit=ANNOUNCED_PER_BATCH)
            for reservation_id in changed:
                enqueue(send_reservation_status_task, reservation_id)
        if not changed:
            return announced
        announced += len(changed)
    enqueue(announce_reservation_changes_task)  # more than a run's worth: the rest next
    return announced


@shared_task(**RETRIED)
def send_reservation_status_task(reservation_id):
    sent = services.send_reservation_status(reservation_id=reservation_id)
    if sent:
        enqueue(send_reservation_sms_task, reservation_id)
    return sent


@shared_task(**RETRIED)
def send_reservation_sms_task(reservation_id):
    return services.send_reservation_sms(reservation_id=reservation_id)


@shared_task(**RETRIED)
def send_staff_invitation_task(membership_id, language):
    return services.send_staff_invitation(membership_id=membership_id, language=language)


@shared_task(**RETRIED)
def send_application_decision_task(application_id):
    return services.send_application_decision(application_id=application_id)


@shared_task(**RETRIED)
def send_sync_run_failed_task(sync_run_id):
    return services.send_sync_run_failed(sync_run_id=sync_run_id)


@shared_task(**RETRIED)
def send_feed_paused_task(feed_id, reason):
    return services.send_feed_paused(feed_id=feed_id, reason=reason)


@shared_task(**RETRIED)
def send_launch_opened_task(launch_id):
    return services.send_launch_opened(launch_id=launch_id)
