"""The position and visibility copied onto stock rows (PostgreSQL; migration 0007 keeps
them by triggers on every write). A bulk loader that writes rows without the trigger can
put them afterwards with one set-based statement, or write them itself and check them
(bench/generate.py)."""

from django.db import connection

EXPECTED = """
point(o.longitude + sl.variant_id * 400.0, o.latitude) AS spot,
o.status = 'active' AND EXISTS (
  SELECT 1 FROM outlets_outletauthorization a
  JOIN catalogue_variant v ON v.id = sl.variant_id
  WHERE a.outlet_id = sl.outlet_id AND a.brand_id = v.brand_id AND a.is_active) AS shown
"""

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


def misplaced_rows() -> int:
    """Stock rows whose position or visibility is not what the triggers would give."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT sl.spot AS had, sl.shown AS was, {EXPECTED}"  # noqa: S608
            " FROM inventory_stocklevel sl JOIN outlets_outlet o ON o.id = sl.outlet_id) x"
            " WHERE NOT (had ~= spot) OR had IS NULL OR was <> shown"
        )
        return cursor.fetchone()[0]
