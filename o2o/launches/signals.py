"""What launches announce to the apps above them."""

from django.dispatch import Signal

from o2o.reservations.signals import reservation_closed

# A launch started (`launch_id`), after commit: notifications tell the interested shoppers.
launch_opened = Signal()


def _return_units(sender, *, reservation_id, status, **kwargs):
    from .queue import GONE, return_units

    if status in GONE:  # not sold: back to the launch's queue, in the same transaction
        return_units(reservation_id=reservation_id)


def connect():
    reservation_closed.connect(_return_units, dispatch_uid="launches.return_units")
