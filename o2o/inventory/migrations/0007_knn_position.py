"""PostgreSQL only: each stock row carries its outlet's position and whether shoppers may
see it (outlet active, brand authorised there), so the locator finds a variant's rows near
a shopper in one GiST index (locator/selectors.py). The position is a built-in `point`:
x = the outlet's longitude + variant_id * 400, y = its latitude, so each variant's rows lie
in a slice of their own (400 degrees apart: more than the world is wide) and one index
serves every variant; a box around the shopper in the variant's slice holds exactly that
variant's rows near them. No extension is needed. The copy is kept by the stock module on
every path: a trigger on new rows that come without it (the sync engine writes it itself,
set-based), and triggers on outlets (moved, status) and authorisations (granted, suspended,
removed). SQLite keeps the portable bounding-box path and has none of this. Holds, sales
and counts change no indexed column, so their updates can stay HOT."""

from django.db import migrations

SPOT = "point({lng} + {variant} * 400.0, {lat})"

FORWARD = f"""
ALTER TABLE inventory_stocklevel ADD COLUMN spot point, ADD COLUMN shown boolean NOT NULL DEFAULT false;

CREATE FUNCTION inventory_stock_placed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT {SPOT.format(lng="o.longitude", lat="o.latitude", variant="NEW.variant_id")},
         o.status = 'active' AND EXISTS (
           SELECT 1 FROM outlets_outletauthorization a JOIN catalogue_variant v ON v.id = NEW.variant_id
           WHERE a.outlet_id = NEW.outlet_id AND a.brand_id = v.brand_id AND a.is_active)
    INTO NEW.spot, NEW.shown
    FROM outlets_outlet o WHERE o.id = NEW.outlet_id;
  RETURN NEW;
END $$;
CREATE TRIGGER inventory_stock_placed BEFORE INSERT ON inventory_stocklevel
  FOR EACH ROW WHEN (NEW.spot IS NULL) EXECUTE FUNCTION inventory_stock_placed();

CREATE FUNCTION inventory_outlet_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE inventory_stocklevel sl
     SET spot = {SPOT.format(lng="NEW.longitude", lat="NEW.latitude", variant="sl.variant_id")},
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
   SET spot = {SPOT.format(lng="o.longitude", lat="o.latitude", variant="sl.variant_id")},
       shown = o.status = 'active' AND EXISTS (
         SELECT 1 FROM outlets_outletauthorization a JOIN catalogue_variant v ON v.id = sl.variant_id
         WHERE a.outlet_id = sl.outlet_id AND a.brand_id = v.brand_id AND a.is_active)
  FROM outlets_outlet o WHERE o.id = sl.outlet_id;

CREATE INDEX stock_variant_spot ON inventory_stocklevel USING gist (spot) WHERE shown;
"""

BACKWARD = """
DROP INDEX IF EXISTS stock_variant_spot;
DROP TRIGGER IF EXISTS inventory_authorisation_changed ON outlets_outletauthorization;
DROP TRIGGER IF EXISTS inventory_outlet_moved ON outlets_outlet;
DROP TRIGGER IF EXISTS inventory_stock_placed ON inventory_stocklevel;
DROP FUNCTION IF EXISTS inventory_authorisation_changed();
DROP FUNCTION IF EXISTS inventory_outlet_moved();
DROP FUNCTION IF EXISTS inventory_stock_placed();
ALTER TABLE inventory_stocklevel DROP COLUMN IF EXISTS spot, DROP COLUMN IF EXISTS shown;
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
