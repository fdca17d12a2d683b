"""Notifications subscribe to what the apps below announce; none of them imports this app.
Every receiver only queues a task: messages are rendered and sent by Celery, never inside a
web request."""

from o2o.core.outbox import enqueue, nudge
from o2o.inventory.signals import feed_paused, sync_run_failed
from o2o.launches.signals import launch_opened
from o2o.outlets.signals import application_decided, staff_invited
from o2o.reservations.signals import reservation_status_changed

from . import tasks


def _reservation_moved(sender, *, reservation_id, **kwargs):
    # the change waits in its event row; one message passes on a second's changes
    nudge(tasks.announce_reservation_changes_task)


def _staff_invited(sender, *, membership_id, language, **kwargs):
    enqueue(tasks.send_staff_invitation_task, membership_id, language)


def _application_decided(sender, *, application_id, **kwargs):
    enqueue(tasks.send_application_decision_task, application_id)


def _sync_run_failed(sender, *, sync_run_id, **kwargs):
    enqueue(tasks.send_sync_run_failed_task, sync_run_id)


def _feed_paused(sender, *, feed_id, reason, **kwargs):
    enqueue(tasks.send_feed_paused_task, feed_id, reason)


def _launch_opened(sender, *, launch_id, **kwargs):
    enqueue(tasks.send_launch_opened_task, launch_id)


def connect():
    reservation_status_changed.connect(_reservation_moved, dispatch_uid="notifications.status")
    staff_invited.connect(_staff_invited, dispatch_uid="notifications.invitation")
    application_decided.connect(_application_decided, dispatch_uid="notifications.decision")
    sync_run_failed.connect(_sync_run_failed, dispatch_uid="notifications.sync_failed")
    feed_paused.connect(_feed_paused, dispatch_uid="notifications.feed_paused")
    launch_opened.connect(_launch_opened, dispatch_uid="notifications.launch_opened")
