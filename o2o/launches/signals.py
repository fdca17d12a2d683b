"""What launches announce to the apps above them."""

from django.dispatch import Signal

from o2o.reservations.signals import reservation_status_changed

# A launch started (`launch_id`), after commit: notifications tell the interested shoppers.
launch_opened = Signal()


def _return_units(sender, *, reservation_id, **kwargs):
    from .queue import return_units

    return return_units(reservation_id=reservation_id)


def connect():
    reservation_status_changed.connect(_return_units, dispatch_uid="launches.return_units")
