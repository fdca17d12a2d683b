"""PostgreSQL only: each stock row carries its outlet's position and whether shoppers may
see it (outlet active, brand authorised there), so the locator finds the nearest rows of a
variant that have units in one GiST index (locator/selectors.py). The position is a 4-D
cube: the outlet's point on earthdistance's sphere (x, y, z in metres) and the variant's id
times 2e7 m (more than the earth's diameter), so each variant's rows lie in a slice of
their own; a box around the shopper within that slice, ordered by distance, is one index
walk whatever other variants the area stocks. The copy is kept by the stock module's triggers on
every path: a new stock row, an outlet that moves or changes status, an authorisation
granted, suspended or removed. SQLite keeps the portable bounding-box path and has none of
this. Updates of on_hand/reserved touch no indexed column, so they stay HOT updates."""

from django.db import migrations

FORWARD = """
CREATE EXTENSION IF NOT EXISTS cube;
CREATE EXTENSION IF NOT EXISTS earthdistance;

ALTER TABLE inventory_stocklevel ADD COLUMN position cube, ADD COLUMN shown boolean NOT NULL DEFAULT false;

CREATE FUNCTION inventory_stock_placed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT cube(ll_to_earth(o.latitude, o.longitude)::cube, NEW.variant_id * 2e7),
         o.status = 'active' AND EXISTS (
           SELECT 1 FROM outlets_outletauthorization a JOIN catalogue_variant v ON v.id = NEW.variant_id
           WHERE a.outlet_id = NEW.outlet_id AND a.brand_id = v.brand_id AND a.is_active)
    INTO NEW.position, NEW.shown
    FROM outlets_outlet o WHERE o.id = NEW.outlet_id;
  RETURN NEW;
END $$;
CREATE TRIGGER inventory_stock_placed BEFORE INSERT ON inventory_stocklevel
  FOR EACH ROW WHEN (NEW.position IS NULL) EXECUTE FUNCTION inventory_stock_placed();

CREATE FUNCTION inventory_outlet_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE inventory_stocklevel sl
     SET position = cube(ll_to_earth(NEW.latitude, NEW.longitude)::cube, sl.variant_id * 2e7),
         shown = NEW.status = 'active' AND EXISTS (
           SELECT 1 FROM outlets_outletauthorization a JOIN catalogue_variant v ON v.id = sl.variant_id
           WHERE a.outlet_id = NEW.id AND a.brand_id = v.brand_id AND a.is_active)
   WHERE sl.outlet_id = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER inventory_outlet_moved AFTER UPDATE OF latitude, longitude, status ON outlets_outlet
  FOR EACH ROW WHEN (OLD.latitude IS DISTINCT FROM NEW.latitude
                     OR OLD.longitude IS DISTINCT FROM NEW.longitude
                     OR OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION inventory_outlet_moved();

CREATE FUNCTION inventory_authorisation_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  target RECORD;
BEGIN
  FOR target IN
    SELECT DISTINCT outlet_id, brand_id FROM (
      SELECT OLD.outlet_id, OLD.brand_id WHERE TG_OP <> 'INSERT'
      UNION ALL SELECT NEW.outlet_id, NEW.brand_id WHERE TG_OP <> 'DELETE') pairs(outlet_id, brand_id)
  LOOP
    -- the lock order of inventory/locks.py: the outlet's row before its stock rows
    PERFORM 1 FROM outlets_outlet WHERE id = target.outlet_id FOR UPDATE;
    UPDATE inventory_stocklevel sl
       SET shown = o.status = 'active' AND EXISTS (
             SELECT 1 FROM outlets_outletauthorization a
             WHERE a.outlet_id = target.outlet_id AND a.brand_id = target.brand_id AND a.is_active)
      FROM outlets_outlet o, catalogue_variant v
     WHERE sl.outlet_id = target.outlet_id AND o.id = sl.outlet_id
       AND v.id = sl.variant_id AND v.brand_id = target.brand_id;
  END LOOP;
  RETURN NULL;
END $$;
CREATE TRIGGER inventory_authorisation_changed
  AFTER INSERT OR DELETE OR UPDATE OF is_active, outlet_id, brand_id ON outlets_outletauthorization
  FOR EACH ROW EXECUTE FUNCTION inventory_authorisation_changed();

UPDATE inventory_stocklevel sl
   SET position = cube(ll_to_earth(o.latitude, o.longitude)::cube, sl.variant_id * 2e7),
       shown = o.status = 'active' AND EXISTS (
         SELECT 1 FROM outlets_outletauthorization a JOIN catalogue_variant v ON v.id = sl.variant_id
         WHERE a.outlet_id = sl.outlet_id AND a.brand_id = v.brand_id AND a.is_active)
  FROM outlets_outlet o WHERE o.id = sl.outlet_id;

CREATE INDEX stock_variant_position ON inventory_stocklevel USING gist (position) WHERE shown;

-- The walk itself: the box (the radius around the shopper, one variant thick) as the index
-- condition, rows handed over nearest first, stopping after k with units. Its plan is
-- pinned to the ordered index scan: a bitmap scan of the box would read every row of the
-- variant in a dense city before sorting them (4x slower at p95, bench-availability).
CREATE FUNCTION inventory_nearest_stock(
    wanted bigint, low float8[], high float8[], centre float8[], k integer)
  RETURNS TABLE (outlet_id bigint, available integer)
  LANGUAGE sql STABLE PARALLEL SAFE ROWS 10 SET enable_bitmapscan = off AS $$
    SELECT sl.outlet_id, sl.on_hand - sl.reserved
      FROM inventory_stocklevel sl
     WHERE sl.shown AND sl.on_hand > sl.reserved AND sl.variant_id + 0 = wanted
       AND sl.position <@ cube(low, high)
     ORDER BY sl.position <-> cube(centre)
     LIMIT k
$$;
"""

BACKWARD = """
DROP FUNCTION IF EXISTS inventory_nearest_stock(bigint, float8[], float8[], float8[], integer);
DROP INDEX IF EXISTS stock_variant_position;
DROP TRIGGER IF EXISTS inventory_authorisation_changed ON outlets_outletauthorization;
DROP TRIGGER IF EXISTS inventory_outlet_moved ON outlets_outlet;
DROP TRIGGER IF EXISTS inventory_stock_placed ON inventory_stocklevel;
DROP FUNCTION IF EXISTS inventory_authorisation_changed();
DROP FUNCTION IF EXISTS inventory_outlet_moved();
DROP FUNCTION IF EXISTS inventory_stock_placed();
ALTER TABLE inventory_stocklevel DROP COLUMN IF EXISTS position, DROP COLUMN IF EXISTS shown;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0006_sane_instants"),
        ("outlets", "0010_import_language"),
        ("catalogue", "0003_product_images"),
    ]

    operations = [migrations.RunPython(forward, backward)]
