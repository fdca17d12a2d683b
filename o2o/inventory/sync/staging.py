"""A per-transaction staging table for stock rows: COPY on PostgreSQL, executemany elsewhere."""

from contextlib import contextmanager

from django.db import connection

STAGE = "o2o_stage"
STAGE_OUTLETS = "o2o_stage_outlets"
NULL = "\\N"  # COPY's text format for NULL


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


@contextmanager
def writer():
    """A function appending (line, outlet_id, variant_id, on_hand or None) tuples.

    On PostgreSQL one COPY stays open for the whole staging, so the server stores a chunk
    while Python prepares the next one."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            columns = "(line, outlet_id, variant_id, on_hand)"
            with cursor.cursor.copy(f"COPY {STAGE} {columns} FROM STDIN") as copy:
                yield lambda rows: copy.write(_copy_text(rows))
        else:
            yield lambda rows: cursor.executemany(
                f"INSERT INTO {STAGE} VALUES (%s, %s, %s, %s)", rows
            )


def _copy_text(rows):
    return "".join(
        f"{line}\t{outlet}\t{variant}\t{NULL if count is None else count}\n"
        for line, outlet, variant, count in rows
    )


def drop():
    """Drop the staging tables (SQLite keeps temp tables for the connection's life)."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{STAGE}")
            cursor.execute(f"DROP TABLE IF EXISTS temp.{STAGE_OUTLETS}")
