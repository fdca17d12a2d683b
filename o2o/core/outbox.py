"""Sending Celery tasks so that a broker outage delays work instead of losing it.

`enqueue(task, *args)` sends at once; when the broker does not answer, the task is kept in
the database (OutboxMessage) and `drain()` (beat, every minute) sends it when the broker is
back. Tasks are idempotent (DESIGN §4), so a message sent twice does no harm.

`nudge(task)` is for a task that finds its own work (rows a transaction left for it): a
process sends it at most once a second, plus once at the end of that second when nudged
again meanwhile, so a burst of commits costs a couple of messages, not one each (a publish
is ~0.5 ms of a web worker's CPU)."""

import logging
import threading
import time

from celery import current_app
from django.conf import settings
from kombu.exceptions import OperationalError as BrokerUnavailable

from .models import OutboxMessage

logger = logging.getLogger(__name__)
UNREACHABLE = (BrokerUnavailable, ConnectionError, OSError)


def enqueue(task, *args, countdown=None):
    """Send `task(*args)`; True if sent, False if kept in the outbox for later (and then
    sent at once when the broker is back, whatever `countdown` said)."""
    try:
        task.apply_async(
            args=args, countdown=countdown, retry_policy=settings.O2O_PUBLISH_RETRY_POLICY
        )
        return True
    except UNREACHABLE as exc:
        logger.warning("broker unavailable, %s kept in the outbox: %s", task.name, exc)
        OutboxMessage.objects.create(task=task.name, args=list(args), last_error=str(exc)[:255])
        return False


NUDGE_SECONDS = 1.0
_nudged: dict[str, float] = {}  # task name -> when this process's last nudge runs
_nudging = threading.Lock()


def nudge(task):
    """Have `task()` run soon, and after everything committed before this call: at once if
    this process has not nudged it for a second, else at the end of that second (once).
    A task nudged with nothing left to do finds nothing; beat's schedule covers a process
    that dies in between. Eager mode (tests without a worker) runs it every time."""
    if current_app.conf.task_always_eager:
        return enqueue(task)
    now = time.monotonic()
    with _nudging:
        due = _nudged.get(task.name, -NUDGE_SECONDS)
        if due > now:
            return True  # a nudge still to run will find this process's work
        runs = max(now, due + NUDGE_SECONDS)
        _nudged[task.name] = runs
    return enqueue(task, countdown=runs - now if runs > now else None)


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
