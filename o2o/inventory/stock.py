"""The only writer of stock levels: hold (for a sale), release, sell and adjust, each one
conditional UPDATE plus its StockMovement and one announcement to the generation cache. Counts
(snapshots, deltas, files, feeds, counts typed in the admin) are applied by the sync
engine (`sync`: snapshots.py, deltas.py) in bulk, each writing its SyncRun. Every path takes
the locks in the order of locks.py. A count that comes in below the held units is
announced through `count_below_holds` (signals.py): reservations subscribes and declines
the newest holds, in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F
from django.utils import timezone

from o2o.core.generations import stock_changed
from o2o.core.statements import execute_hot
from o2o.outlets.models import Outlet, OutletAuthorization

from .locks import sale_facts
from .models import StockLevel, StockMovement

Reason = StockMovement.Reason


@dataclass(frozen=True)
class SaleHold:
    """What `hold_for_sale` read under the outlet's lock, and whether the units are held."""

    outlet_status: str  # "" when the outlet is gone
    sells_brand: bool
    held: bool


def hold_for_sale(
    *,
    outlet_id: int,
    variant_id: int,
    brand_id: int,
    quantity: int,
    reference: str,
    user: Any = None,
) -> SaleHold:
    """Step 1 of the lock order, the outlet (FOR SHARE), then `quantity` units on hold if
    the outlet is active and sells `brand_id`: one conditional UPDATE, so
    `reserved + quantity <= on_hand` is checked by the database whatever the concurrency.
    On PostgreSQL the lock, the UPDATE and its movement are one statement (one round trip).
    It raises nothing: the caller words the refusal from what it read."""
    movement = {
        "outlet_id": outlet_id,
        "variant_id": variant_id,
        "reserved_delta": quantity,
        "reason": Reason.HOLD,
        "reference": reference,
        "user_id": getattr(user, "pk", None),
    }
    if connection.vendor == "postgresql":
        sale = _held_for_sale(movement, brand_id=brand_id)
    else:
        sale = _hold_checked(movement, brand_id=brand_id)
    if sale.held:
        stock_changed([variant_id])
    return sale


HOLD_FOR_SALE = """
WITH outlet AS (
    SELECT o.status, EXISTS (
        SELECT 1 FROM {authorisation} a
        WHERE a.outlet_id = o.id AND a.brand_id = %(brand_id)s AND a.is_active) AS sells
    FROM {outlet} o WHERE o.id = %(outlet_id)s FOR SHARE OF o
), held AS (
    UPDATE {level} SET reserved = reserved + %(reserved_delta)s
    WHERE (SELECT status = %(active)s AND sells FROM outlet)
      AND outlet_id = %(outlet_id)s AND variant_id = %(variant_id)s
      AND on_hand >= reserved + %(reserved_delta)s
    RETURNING outlet_id, variant_id
), moved AS (
    -- values in a SELECT list are cast: a prepared statement cannot infer their types there
    INSERT INTO {movement} (outlet_id, variant_id, on_hand_delta, reserved_delta, reason,
                            reference, user_id, created_at, occurred_at)
    SELECT outlet_id, variant_id, 0, %(reserved_delta)s, %(reason)s::text, %(reference)s::text,
           %(user_id)s::bigint, %(now)s::timestamptz, %(now)s::timestamptz
    FROM held
)
SELECT status, sells, EXISTS (SELECT 1 FROM held) FROM outlet
"""


def _held_for_sale(movement: dict[str, Any], *, brand_id: int) -> SaleHold:
    # the outlet's condition does not depend on the stock row, so PostgreSQL evaluates it
    # (and takes the outlet's lock) before it scans the stock table: the lock order holds
    sql = HOLD_FOR_SALE.format(
        authorisation=OutletAuthorization._meta.db_table,
        outlet=Outlet._meta.db_table,
        level=StockLevel._meta.db_table,
        movement=StockMovement._meta.db_table,
    )
    params = {
        **movement,
        "brand_id": brand_id,
        "active": Outlet.Status.ACTIVE,
        "now": timezone.now(),
    }
    with connection.cursor() as cursor:
        execute_hot(cursor, sql, params)  # planned once per connection (core.statements)
        found = cursor.fetchone()
    if found is None:
        return SaleHold(outlet_status="", sells_brand=False, held=False)
    return SaleHold(outlet_status=found[0], sells_brand=bool(found[1]), held=bool(found[2]))


def _hold_checked(movement: dict[str, Any], *, brand_id: int) -> SaleHold:
    """SQLite: one writer at a time, so no lock; the same checks, one statement each."""
    facts = sale_facts(movement["outlet_id"], brand_id=brand_id)
    if facts is None:
        return SaleHold(outlet_status="", sells_brand=False, held=False)
    status, sells = facts
    held = (
        status == Outlet.Status.ACTIVE
        and sells
        and StockLevel.objects.filter(
            outlet_id=movement["outlet_id"],
            variant_id=movement["variant_id"],
            on_hand__gte=F("reserved") + movement["reserved_delta"],
        ).update(reserved=F("reserved") + movement["reserved_delta"])
        == 1
    )
    if held:
        StockMovement.objects.create(**movement)
    return SaleHold(outlet_status=status, sells_brand=sells, held=held)


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
