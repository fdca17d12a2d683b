"""Sending Celery tasks so that a broker outage delays work instead of losing it.

`enqueue(task, *args)` sends at once; when the broker does not answer, the task is kept in
the database (OutboxMessage) and `drain()` (beat, every minute) sends it when the broker is
back. Tasks are idempotent (DESIGN §4), so a message sent twice does no harm."""

import logging

from celery import current_app
from django.conf import settings
from kombu.exceptions import OperationalError as BrokerUnavailable

from .models import OutboxMessage

logger = logging.getLogger(__name__)
UNREACHABLE = (BrokerUnavailable, ConnectionError, OSError)


def enqueue(task, *args):
    """Send `task(*args)`; True if sent, False if kept in the outbox for later."""
    try:
        task.apply_async(args=args, retry_policy=settings.O2O_PUBLISH_RETRY_POLICY)
        return True
    except UNREACHABLE as exc:
        logger.warning("broker unavailable, %s kept in the outbox: %s", task.name, exc)
        OutboxMessage.objects.create(task=task.name, args=list(args), last_error=str(exc)[:255])
        return False


def enqueue_on_commit(task, *args):
    """`enqueue` once the current transaction commits (at once outside one)."""
    from django.db import transaction

    transaction.on_commit(lambda: enqueue(task, *args))


def drain(*, batch=None):
    """Send what the outbox holds, oldest first; returns how many were sent."""
    sent = 0
    for message in OutboxMessage.objects.all()[: batch or settings.O2O_OUTBOX_BATCH]:
        try:
            current_app.send_task(
                message.task, args=message.args, retry_policy=settings.O2O_PUBLISH_RETRY_POLICY
            )
        except UNREACHABLE as exc:
            OutboxMessage.objects.filter(pk=message.pk).update(
                attempts=message.attempts + 1, last_error=str(exc)[:255]
            )
            break  # still away: the next beat tick tries again
        message.delete()
        sent += 1
    return sent
