"""Reservations' subscriptions to what the stock owner announces."""

from django.dispatch import Signal

from o2o.inventory.signals import count_below_holds

# A reservation moved (created, confirmed, collected...), after commit: `reservation_id`.
reservation_status_changed = Signal()
# A reservation closed (`reservation_id`, `status`: collected, cancelled, declined or expired),
# inside its transaction, its units released: receivers' writes commit or roll back with it.
reservation_closed = Signal()


def _drop_holds(sender, *, outlet_id, variant_id, units, **kwargs):
    from .services import drop_holds_for_shortfall

    return drop_holds_for_shortfall(outlet_id=outlet_id, variant_id=variant_id, units=units)


def connect():
    count_below_holds.connect(_drop_holds, dispatch_uid="reservations.drop_holds")
