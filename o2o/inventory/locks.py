"""The one lock order of every path that touches stock, so no two of them can deadlock.

1. The outlet's row: FOR SHARE by holds, releases, sales and counts by hand (they run side
   by side); FOR UPDATE by snapshots and deltas (one at a time, and alone at the outlet).
2. Reservation rows, each by its compare-and-set on the status.
3. Stock rows, by the conditional UPDATE that changes them.

Foreign keys are checked at COMMIT (Django makes them deferred) and take KEY SHARE on the
outlet: the transaction already holds the outlet by then, so that check can never wait
behind a sync that itself waits for this transaction's stock rows (which deadlocked).
SQLite serialises writers, so it takes no row lock."""

from django.db import connection

from o2o.outlets.models import Outlet, OutletAuthorization

OUTLET = Outlet._meta.db_table


def lock_outlet(outlet_id, *, exclusive=False):
    """Step 1 of the lock order, inside the caller's transaction."""
    if connection.vendor != "postgresql":
        return
    mode = "UPDATE" if exclusive else "SHARE"
    with connection.cursor() as cursor:
        # the table's own name and one of two lock modes; the id is a parameter
        cursor.execute(f"SELECT 1 FROM {OUTLET} WHERE id = %s FOR {mode}", [outlet_id])  # noqa: S608


AUTHORISATION = OutletAuthorization._meta.db_table
LOCK_FOR_SALE = f"""
SELECT o.status, EXISTS (
    SELECT 1 FROM {AUTHORISATION} a
    WHERE a.outlet_id = o.id AND a.brand_id = %s AND a.is_active)
FROM {OUTLET} o WHERE o.id = %s FOR SHARE OF o
"""  # noqa: S608 (the tables' own names; the ids are parameters)


def lock_outlet_for_sale(outlet_id, *, brand_id):
    """Step 1 for a hold, in one statement: lock the outlet (FOR SHARE) and read, under the
    lock, its status and whether it sells `brand_id`; None when it is gone."""
    if connection.vendor != "postgresql":
        return _sale_facts(outlet_id, brand_id)
    with connection.cursor() as cursor:
        cursor.execute(LOCK_FOR_SALE, [brand_id, outlet_id])
        found = cursor.fetchone()
    return None if found is None else (found[0], bool(found[1]))


def _sale_facts(outlet_id, brand_id):
    status = Outlet.objects.filter(pk=outlet_id).values_list("status", flat=True).first()
    if status is None:
        return None
    sells = OutletAuthorization.objects.filter(
        outlet_id=outlet_id, brand_id=brand_id, is_active=True
    ).exists()
    return status, sells
