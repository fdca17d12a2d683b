"""T1: a 10^6-row stock snapshot over 5,000 outlets, through the real Celery path.

Side by side, in one run, on the same rows (PostgreSQL + Redis; see bench/RESULTS.md):
  copy_unindexed  raw COPY into an unindexed temp table (reference only)
  copy_clone      first load: raw COPY into a logged clone of the stock table (same keys,
                  checks, indexes, foreign keys; the locator's columns filled); re-sync: COPY
                  into a staging table + one hand-written UPDATE of the full clone
  bulk_create     Django bulk_create(update_conflicts=True) into the stock table
  engine          a CSV file queued with inventory.services.queue_file and applied by a
                  real Celery worker process (prefork, 1 process), from queueing to 'applied'
Each is measured on an empty table (first load) and on a full one whose counts all change
(re-sync), alternating reference and engine, over `--rounds` rounds; the ratios' spread and
a verdict are printed. Peak RSS is the worker pool process's VmHWM.

  BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/o2o_bench \
  BENCH_REDIS_URL=redis://127.0.0.1:6379/14 python -m bench.ingest --rows 1000000
"""

import argparse
import datetime
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def configure(settings_module=None, **environ):
    """Django on the benchmark database, in this process; `settings_module` (else the
    shipped settings) and `environ` (e.g. raised throttles) as a server would get them."""
    os.environ.update(environ)
    if settings_module:
        os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    os.environ["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "o2o.settings")
    os.environ["DJANGO_DEBUG"] = "false"  # no query log in the worker or here
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnop")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def copy_rows(cursor, table, columns, rows):
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def clone_stock_table(cursor):
    """bench_clone: the stock table's columns, keys, checks, indexes (the locator's GiST
    included) and foreign keys, without the product around it."""
    cursor.execute("DROP TABLE IF EXISTS bench_clone")
    cursor.execute("CREATE TABLE bench_clone (LIKE inventory_stocklevel INCLUDING ALL)")
    cursor.execute(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = 'inventory_stocklevel'::regclass AND contype = 'f'"
    )
    for (definition,) in cursor.fetchall():
        cursor.execute(f"ALTER TABLE bench_clone ADD {definition}")


def copy_first_load(pg, rows, spots, now):
    """COPY of every row into the empty clone, with the locator's columns, committed."""
    with pg.cursor() as cursor:
        cursor.execute("TRUNCATE bench_clone")
    start = time.perf_counter()
    with pg.transaction(), pg.cursor() as cursor:  # its commit runs the deferred FK checks
        copy_rows(
            cursor,
            "bench_clone",
            "outlet_id, variant_id, on_hand, reserved, synced_at, spot, shown",
            ((o, v, n, 0, now, spots[o, v], True) for o, v, n in rows),
        )
    return time.perf_counter() - start


def merge_resync(pg, rows, now):
    """What a re-sync must do, written by hand: COPY the counts into a staging table and
    UPDATE the full clone from it, committed."""
    start = time.perf_counter()
    with pg.transaction(), pg.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_stage (outlet_id bigint, variant_id bigint, on_hand integer)"
            " ON COMMIT DROP"
        )
        copy_rows(cursor, "bench_stage", "outlet_id, variant_id, on_hand", rows)
        cursor.execute(
            "UPDATE bench_clone c SET on_hand = s.on_hand, synced_at = %s FROM bench_stage s"
            " WHERE c.outlet_id = s.outlet_id AND c.variant_id = s.variant_id",
            [now],
        )
    return time.perf_counter() - start


def copy_unindexed(pg, rows):
    start = time.perf_counter()
    with pg.transaction(), pg.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_raw (outlet_id bigint, variant_id bigint, on_hand integer)"
            " ON COMMIT DROP"
        )
        copy_rows(cursor, "bench_raw", "outlet_id, variant_id, on_hand", rows)
    return time.perf_counter() - start


def bulk_create(rows, now):
    from o2o.inventory.models import StockLevel

    objects = [StockLevel(outlet_id=o, variant_id=v, on_hand=n, synced_at=now) for o, v, n in rows]
    start = time.perf_counter()
    StockLevel.objects.bulk_create(
        objects,
        batch_size=5000,
        update_conflicts=True,
        unique_fields=["outlet", "variant"],
        update_fields=["on_hand", "synced_at"],
    )
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--outlets", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-record", action="store_true", help="don't append to RESULTS.md")
    args = parser.parse_args()
    configure()

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bench import scale
    from bench.wrk import load_average

    call_command("migrate", verbosity=0)
    scale.reset()
    variants_per_outlet = args.rows // args.outlets
    retailers, outlets, variants = scale.build(
        outlets=args.outlets, variants=variants_per_outlet, retailers=1
    )
    triples = [(o.pk, v.pk) for o in outlets for v in variants]
    place = {o.pk: (o.longitude, o.latitude) for o in outlets}
    spots = {
        (o, v): f"({place[o][0] + v * 400.0!r},{place[o][1]!r})" for o, v in triples
    }  # the locator's position of each row (inventory migration 0007)
    print(f"{len(triples):,} rows over {len(outlets):,} outlets x {len(variants)} variants")

    def counts(shift):
        return [(o, v, (o + v + shift) % 13 + 1) for o, v in triples]

    first, second = counts(0), counts(5)
    now = timezone.now()
    pg = connection.connection
    results = {}  # (path, label) -> [seconds per round]

    def measured(path, label, seconds):
        results.setdefault((path, label), []).append(seconds)

    with connection.cursor() as cursor:
        clone_stock_table(cursor)
    code_of = {o.pk: o.code for o in outlets}
    sku_of = {v.pk: v.sku for v in variants}
    load_start = load_average()
    with Worker() as worker:
        for _round in range(args.rounds):
            # first loads side by side, then re-syncs side by side, then bulk_create
            measured("copy_unindexed", "first load", copy_unindexed(pg, first))
            measured("copy_clone", "first load", copy_first_load(pg, first, spots, now))
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE inventory_stocklevel")
            measured("engine", "first load", worker.apply(retailers[0], first, code_of, sku_of))
            measured("copy_unindexed", "re-sync", copy_unindexed(pg, second))
            measured("copy_clone", "re-sync", merge_resync(pg, second, now))
            measured("engine", "re-sync", worker.apply(retailers[0], second, code_of, sku_of))
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE inventory_stocklevel")
            measured("bulk_create", "first load", bulk_create(first, now))
            measured("bulk_create", "re-sync", bulk_create(second, now))
        peak = worker.peak_rss()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_clone")
    report(args, results, peak, load_start, load_average())


class Worker:
    """A real Celery worker process (prefork, one process) applying queued stock files."""

    def __enter__(self):
        from django.conf import settings

        from o2o.celery import app

        app.control.purge()
        media = tempfile.mkdtemp(prefix="o2o-bench-media-")
        settings.MEDIA_ROOT = media
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "o2o",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "--loglevel=WARNING",
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=ROOT,
            env={**os.environ, "DJANGO_MEDIA_ROOT": media},
            start_new_session=True,
        )
        time.sleep(3)
        return self

    def __exit__(self, *exc):
        os.killpg(self.process.pid, 15)
        self.process.wait(timeout=60)

    def apply(self, retailer, rows, code_of, sku_of):
        """Seconds from queueing a CSV of `rows` (dated now) to its run being applied."""
        from django.core.files import File
        from django.db import transaction

        from o2o.inventory import services
        from o2o.inventory.models import SyncRun

        with tempfile.NamedTemporaryFile(suffix=".csv", delete=False) as handle:
            path = handle.name
        write_csv(path, rows, code_of, sku_of)
        as_of = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=1)
        start = time.perf_counter()
        with open(path, "rb") as source, transaction.atomic():
            run = services.queue_file(
                uploaded=File(source, name="bench.csv"), as_of=as_of, retailer=retailer
            )
        while SyncRun.objects.filter(pk=run.pk, status__in=["queued", "running"]).exists():
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        run.refresh_from_db()
        assert run.status == "applied", (run.status, run.message)
        assert run.rows_applied == len(rows), (run.rows_applied, run.message)
        os.unlink(path)
        return seconds

    def peak_rss(self):
        return worker_peak_rss(self.process.pid)


def write_csv(path, rows, code_of, sku_of):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("outlet,sku,on_hand\n")
        buffer = io.StringIO()
        for index, (o, v, n) in enumerate(rows):
            buffer.write(f"{code_of[o]},{sku_of[v]},{n}\n")
            if index % 100_000 == 99_999:
                handle.write(buffer.getvalue())
                buffer = io.StringIO()
        handle.write(buffer.getvalue())


def worker_peak_rss(main_pid):
    """Peak resident memory (MB) of the worker's pool processes."""
    children = subprocess.run(
        ["pgrep", "-P", str(main_pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    peak = 0
    for pid in children or [str(main_pid)]:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]) // 1024)
    return peak


def report(args, results, peak, load_start, load_end):
    from django.conf import settings

    from bench.wrk import spread, verdict

    rows = args.rows
    labels = ("first load", "re-sync")
    lines = [
        f"| path (median of {args.rounds} rounds) | {' | '.join(labels)} |",
        "|---|---|---|",
    ]
    for path in ("copy_unindexed", "copy_clone", "bulk_create", "engine"):
        cells = []
        for label in labels:
            seconds = spread(results[(path, label)])[1]
            cells.append(f"{rows / seconds:,.0f} rows/s ({seconds:.1f} s)")
        lines.append(f"| {path} | {' | '.join(cells)} |")
    verdicts, latest = [], {}
    for label in labels:
        engine = results[("engine", label)]
        of_clone = [c / e for c, e in zip(results[("copy_clone", label)], engine, strict=True)]
        of_bulk = [b / e for b, e in zip(results[("bulk_create", label)], engine, strict=True)]
        verdicts.append(
            f"{label}: engine / reference {describe(of_clone, 0.35, '.0%')}; "
            f"engine / bulk_create {describe(of_bulk, 2.5, '.2f', 'x')}"
        )
        low, mid, high = spread(of_clone)
        latest[f"T1 {label}: engine / COPY reference"] = (
            f"{low:.0%} / {mid:.0%} / {high:.0%} (>= 35%)",
            verdict(of_clone, 0.35),
        )
        low, mid, high = spread(of_bulk)
        latest[f"T1 {label}: engine / bulk_create"] = (
            f"{low:.2f}x / {mid:.2f}x / {high:.2f}x (>= 2.5x)",
            verdict(of_bulk, 2.5),
        )
    latest["T1 worker peak RSS"] = (f"{peak} MB (< 300 MB)", "holds" if peak < 300 else "misses")
    text = "\n".join(
        [
            f"Shipped settings: O2O_SYNC_CHUNK_ROWS={settings.O2O_SYNC_CHUNK_ROWS}, "
            f"O2O_SYNC_WORK_MEM_MB={settings.O2O_SYNC_WORK_MEM_MB}; one worker process. "
            "References: `copy_clone` is COPY into a clone of the stock table with its keys,"
            " checks, indexes (the locator's GiST) and foreign keys, the locator's columns"
            " filled, committed (first load); and COPY into a staging table + one UPDATE of"
            " the full clone from it, committed (re-sync). Phases alternate within each round"
            f" (clone, engine; first load, then re-sync). Load average {load_start} at the"
            f" start, {load_end} at the end.",
            "",
            *lines,
            "",
            *verdicts,
            f"worker peak RSS: {peak} MB (target < 300 MB)",
        ]
    )
    print(text)
    if not args.no_record:
        from bench.results import command_line, record

        latest = {f"{name} ({rows:,} rows)": value for name, value in latest.items()}
        record("T1 ingest", command_line("bench-ingest"), text, latest=latest)


def describe(ratios, target, number, unit=""):
    from bench.wrk import spread, verdict

    low, mid, high = spread(ratios)
    return (
        f"min {low:{number}}{unit} / median {mid:{number}}{unit} / max {high:{number}}{unit}"
        f" (goal >= {target:{number}}{unit}): **{verdict(ratios, target)}**"
    )


if __name__ == "__main__":
    main()
