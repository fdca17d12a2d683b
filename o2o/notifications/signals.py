"""Notifications subscribe to what the apps below announce; none of them imports this app."""

from o2o.core.outbox import enqueue
from o2o.reservations.signals import reservation_status_changed


def _reservation_moved(sender, *, reservation_id, **kwargs):
    from .tasks import send_reservation_status_task

    enqueue(send_reservation_status_task, reservation_id)


def connect():
    reservation_status_changed.connect(_reservation_moved, dispatch_uid="notifications.status")
