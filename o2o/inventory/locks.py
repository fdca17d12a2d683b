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


def sale_facts(outlet_id, *, brand_id):
    """The outlet's status and whether it sells `brand_id` (without a lock: for SQLite,
    which serialises writers; on PostgreSQL stock.hold_for_sale reads them under the
    outlet's lock); None when it is gone."""
    status = Outlet.objects.filter(pk=outlet_id).values_list("status", flat=True).first()
    if status is None:
        return None
    sells = OutletAuthorization.objects.filter(
        outlet_id=outlet_id, brand_id=brand_id, is_active=True
    ).exists()
    return status, sells
