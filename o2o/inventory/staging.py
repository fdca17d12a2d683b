"""A per-transaction staging table for stock rows: COPY on PostgreSQL, executemany elsewhere."""

from django.db import connection

STAGE = "o2o_stage"
STAGE_OUTLETS = "o2o_stage_outlets"


def create():
    """Create empty staging tables, dropped at commit on PostgreSQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ON COMMIT DROP cleans up; the DROP covers two syncs in one outer transaction
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{STAGE}, pg_temp.{STAGE_OUTLETS}")
            cursor.execute(
                f"CREATE TEMP TABLE {STAGE} (line integer, outlet_id bigint, variant_id bigint,"
                " on_hand integer) ON COMMIT DROP"
            )
            cursor.execute(
                f"CREATE TEMP TABLE {STAGE_OUTLETS} (id bigint PRIMARY KEY) ON COMMIT DROP"
            )
        else:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{STAGE}")
            cursor.execute(f"DROP TABLE IF EXISTS temp.{STAGE_OUTLETS}")
            cursor.execute(
                f"CREATE TEMP TABLE {STAGE} (line integer, outlet_id integer, variant_id integer,"
                " on_hand integer)"
            )
            cursor.execute(f"CREATE TEMP TABLE {STAGE_OUTLETS} (id integer PRIMARY KEY)")


def write(rows):
    """Append (line, outlet_id, variant_id, on_hand or None) tuples."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            columns = "(line, outlet_id, variant_id, on_hand)"
            with cursor.cursor.copy(f"COPY {STAGE} {columns} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {STAGE} VALUES (%s, %s, %s, %s)", rows)


def drop():
    """Drop the staging tables (SQLite keeps temp tables for the connection's life)."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{STAGE}")
            cursor.execute(f"DROP TABLE IF EXISTS temp.{STAGE_OUTLETS}")
