"""Sending is retried with exponential backoff (and jitter) when the mail provider or the
SMS gateway does not answer; a message whose subject no longer exists is dropped."""

from celery import shared_task

from o2o.core.outbox import enqueue

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
