"""The only writer of stock levels: hold, release, sell and adjust, each one conditional
UPDATE plus its StockMovement and one announcement to the generation cache. Counts
(snapshots, deltas, files, feeds, counts typed in the admin) are applied by the sync
engine (`sync`: snapshots.py, deltas.py) in bulk, each writing its SyncRun. Every path takes
the locks in the order of locks.py. A count that comes in below the held units is
announced through `count_below_holds` (signals.py): reservations subscribes and declines
the newest holds, in the same transaction."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import F
from django.utils import timezone

from o2o.core.generations import stock_changed

from .errors import InsufficientStock
from .models import StockLevel, StockMovement

Reason = StockMovement.Reason


def hold(
    *, outlet_id: int, variant_id: int, quantity: int, reference: str, user: Any = None
) -> None:
    """Take `quantity` units on hold, or raise InsufficientStock. One conditional UPDATE:
    `reserved + quantity <= on_hand` is checked by the database, whatever the concurrency.
    On PostgreSQL the UPDATE and its movement are one statement (one round trip)."""
    movement = {
        "outlet_id": outlet_id,
        "variant_id": variant_id,
        "reserved_delta": quantity,
        "reason": Reason.HOLD,
        "reference": reference,
        "user_id": getattr(user, "pk", None),
    }
    if connection.vendor == "postgresql":
        held = _hold_recorded(movement)
    else:
        held = (
            StockLevel.objects.filter(
                outlet_id=outlet_id, variant_id=variant_id, on_hand__gte=F("reserved") + quantity
            ).update(reserved=F("reserved") + quantity)
            == 1
        )
        if held:
            StockMovement.objects.create(**movement)
    if not held:
        raise InsufficientStock()
    stock_changed([variant_id])


HOLD_RECORDED = """
WITH held AS (
    UPDATE {level} SET reserved = reserved + %(reserved_delta)s
    WHERE outlet_id = %(outlet_id)s AND variant_id = %(variant_id)s
      AND on_hand >= reserved + %(reserved_delta)s
    RETURNING outlet_id, variant_id)
INSERT INTO {movement} (outlet_id, variant_id, on_hand_delta, reserved_delta, reason,
                        reference, user_id, created_at, occurred_at)
SELECT outlet_id, variant_id, 0, %(reserved_delta)s, %(reason)s, %(reference)s,
       %(user_id)s, %(now)s, %(now)s
FROM held
"""


def _hold_recorded(movement: dict[str, Any]) -> bool:
    """The conditional UPDATE and its StockMovement in one statement: whether it held."""
    sql = HOLD_RECORDED.format(
        level=StockLevel._meta.db_table, movement=StockMovement._meta.db_table
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {**movement, "now": timezone.now()})
        return cursor.rowcount == 1


def release(
    *,
    outlet_id: int,
    variant_id: int,
    quantity: int,
    reference: str,
    user: Any = None,
    sold: bool = False,
    reason: str | None = None,
) -> None:
    """Let go of `quantity` held units: back on sale, or sold (`sold`: on hand drops too)."""
    changes = {"reserved": F("reserved") - quantity}
    if sold:
        changes["on_hand"] = F("on_hand") - quantity
    StockLevel.objects.filter(outlet_id=outlet_id, variant_id=variant_id).update(**changes)
    stock_changed([variant_id])
    StockMovement.objects.create(
        outlet_id=outlet_id,
        variant_id=variant_id,
        on_hand_delta=-quantity if sold else 0,
        reserved_delta=-quantity,
        reason=reason or (Reason.SALE if sold else Reason.RELEASE),
        reference=reference,
        user=user,
    )


def sell(
    *, outlet_id: int, variant_id: int, quantity: int, reference: str, user: Any = None
) -> None:
    """Held units leave the shop with the shopper."""
    release(
        outlet_id=outlet_id,
        variant_id=variant_id,
        quantity=quantity,
        reference=reference,
        user=user,
        sold=True,
    )


def adjust(
    *, level: StockLevel, on_hand: int, reference: str, user: Any = None, reason: str | None = None
) -> int:
    """Set one level's on hand (the caller checked the held units and holds the lock);
    returns the change."""
    delta = on_hand - level.on_hand
    if delta:
        StockLevel.objects.filter(pk=level.pk).update(on_hand=on_hand)
        stock_changed([level.variant_id])
        StockMovement.objects.create(
            outlet_id=level.outlet_id,
            variant_id=level.variant_id,
            on_hand_delta=delta,
            reason=reason or Reason.ADJUSTMENT,
            reference=reference,
            user=user,
        )
    return delta


def shortfall(*, outlet_id: int, variant_id: int, units: int) -> int:
    """A count came in `units` below the held units: ask the subscribers (reservations) to
    free them, in this transaction; returns how many holds they dropped."""
    from .signals import count_below_holds

    answers = count_below_holds.send(
        sender=StockLevel, outlet_id=outlet_id, variant_id=variant_id, units=units
    )
    return sum(int(dropped or 0) for _receiver, dropped in answers)


def list_items(*, outlet_id: int, variant_ids: list[int]) -> int:
    """List items at an outlet at zero (not counted yet), leaving rows that exist alone;
    returns how many were new. Nothing becomes available, so no cache is told."""
    before = StockLevel.objects.filter(outlet_id=outlet_id).count()
    StockLevel.objects.bulk_create(
        [StockLevel(outlet_id=outlet_id, variant_id=pk) for pk in variant_ids],
        batch_size=1000,
        ignore_conflicts=True,
    )
    return StockLevel.objects.filter(outlet_id=outlet_id).count() - before
