"""Property-based: any interleaving of snapshots, deltas and reservation events keeps
0 <= reserved <= on_hand, keeps holds equal to open reservations, and replaying the
sync messages changes nothing."""

import contextlib
from datetime import timedelta

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from o2o.core.errors import DomainError
from o2o.inventory import services
from o2o.inventory.models import StockLevel
from o2o.reservations import services as reservations
from o2o.reservations.models import Reservation, ReservationLine

BASE = timezone.now() - timedelta(days=1)

snapshot = st.tuples(
    st.just("snapshot"), st.integers(0, 600), st.lists(st.integers(0, 6), min_size=2, max_size=2)
)
delta = st.tuples(
    st.just("delta"),
    st.integers(0, 600),
    st.integers(0, 1),
    st.integers(-3, 3).filter(bool),
    st.integers(0, 5),
)
reserve = st.tuples(st.just("reserve"), st.integers(0, 1), st.integers(1, 3))
move = st.tuples(
    st.just("move"),
    st.integers(0, 9),
    st.sampled_from(["confirm", "mark_ready", "collect", "cancel", "decline"]),
)
operations = st.lists(st.one_of(snapshot, delta, reserve, move), min_size=1, max_size=14)


def _apply(run):
    return services.apply_sync_run(sync_run_id=run.pk)


def _send(world, op, variants):
    if op[0] == "snapshot":
        _, minutes, counts = op
        items = [{"sku": v.sku, "on_hand": c} for v, c in zip(variants, counts, strict=True)]
        _apply(
            services.queue_snapshot(
                outlet=world.outlet, items=items, as_of=BASE + timedelta(minutes=minutes)
            )
        )
    else:
        _, minutes, which, units, event = op
        _apply(
            services.queue_deltas(
                outlet=world.outlet,
                events=[
                    {
                        "event_id": f"e{event}",
                        "sku": variants[which].sku,
                        "delta": units,
                        "occurred_at": (BASE + timedelta(minutes=minutes)).isoformat(),
                    }
                ],
            )
        )


def _state():
    return sorted(StockLevel.objects.values_list("variant_id", "on_hand", "reserved"))


def _check_invariants():
    for _variant, on_hand, reserved in _state():
        assert 0 <= reserved <= on_hand
    open_lines = ReservationLine.objects.filter(reservation__status__in=Reservation.OPEN_STATUSES)
    for level in StockLevel.objects.all():
        held = open_lines.filter(variant_id=level.variant_id).aggregate(n=Sum("quantity"))["n"]
        assert level.reserved == (held or 0)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_any_interleaving_keeps_the_invariants_and_replays_are_harmless(world, ops):
    variants = [world.variant, world.other_variant]
    with transaction.atomic():
        sent = []
        for op in ops:
            if op[0] in ("snapshot", "delta"):
                _send(world, op, variants)
                sent.append(op)
            elif op[0] == "reserve":
                with contextlib.suppress(DomainError):
                    reservations.reserve(
                        outlet=world.outlet,
                        variant=variants[op[1]],
                        quantity=op[2],
                        shopper_name="P",
                        shopper_email="p@example.com",
                        shopper_phone="+91 9000000000",
                    )
            else:
                ids = list(Reservation.objects.order_by("pk").values_list("pk", flat=True))
                if ids:
                    with contextlib.suppress(DomainError):
                        getattr(reservations, op[2])(reservation_id=ids[op[1] % len(ids)])
            _check_invariants()
        settled = _state()
        for op in sent:  # every sync message delivered a second time
            _send(world, op, variants)
        assert _state() == settled
        _check_invariants()
        transaction.set_rollback(True)
