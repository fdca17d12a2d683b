"""The position and visibility copied onto stock rows (PostgreSQL; migration 0007 keeps
them by triggers on every write). A bulk loader that turns the row trigger off for speed
(bench/generate.py) puts them right afterwards with one set-based statement."""

from django.db import connection

REFRESH = """
UPDATE inventory_stocklevel sl
   SET spot = point(o.longitude + sl.variant_id * 400.0, o.latitude),
       shown = o.status = 'active' AND EXISTS (
         SELECT 1 FROM outlets_outletauthorization a
         JOIN catalogue_variant v ON v.id = sl.variant_id
         WHERE a.outlet_id = sl.outlet_id AND a.brand_id = v.brand_id AND a.is_active)
  FROM outlets_outlet o WHERE o.id = sl.outlet_id
"""


def refresh_positions() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(REFRESH)


def row_trigger(enabled: bool) -> None:
    """Turn the per-row copy on new stock rows off (then refresh) or back on."""
    if connection.vendor != "postgresql":
        return
    verb = "ENABLE" if enabled else "DISABLE"
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE inventory_stocklevel {verb} TRIGGER inventory_stock_placed")
