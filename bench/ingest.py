"""T1: a 10^6-row stock snapshot over 5,000 outlets, through the real Celery path.

Side by side, in one run, on the same rows (PostgreSQL + Redis; see bench/RESULTS.md):
  copy_unindexed  raw COPY into an unindexed temp table (reference only)
  copy_clone      raw COPY into a logged clone of the stock table (same keys, indexes, checks)
  bulk_create     Django bulk_create(update_conflicts=True) into the stock table
  engine          a CSV file queued with inventory.services.queue_file and applied by a
                  real Celery worker process (prefork, 1 process), from queueing to 'applied'
Each is measured on an empty table (first load) and on a full one whose counts all change
(re-sync). Peak RSS is the worker pool process's VmHWM.

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


def configure():
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--outlets", type=int, default=5000)
    parser.add_argument("--no-record", action="store_true", help="don't append to RESULTS.md")
    args = parser.parse_args()
    configure()

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bench import scale
    from o2o.inventory.models import StockLevel

    call_command("migrate", verbosity=0)
    scale.reset()
    variants_per_outlet = args.rows // args.outlets
    retailers, outlets, variants = scale.build(
        outlets=args.outlets, variants=variants_per_outlet, retailers=1
    )
    triples = [(o.pk, v.pk) for o in outlets for v in variants]
    print(f"{len(triples):,} rows over {len(outlets):,} outlets x {len(variants)} variants")

    def counts(shift):
        return [(o, v, (o + v + shift) % 13 + 1) for o, v in triples]

    first, second = counts(0), counts(5)
    now = timezone.now()
    pg = connection.connection
    results = {}

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_clone")
        cursor.execute("CREATE TABLE bench_clone (LIKE inventory_stocklevel INCLUDING ALL)")
    for label, rows in (("first load", first), ("re-sync", second)):
        with pg.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE bench_raw (outlet_id bigint, variant_id bigint, on_hand integer)"
            )
            seconds, _ = timed(
                lambda rows=rows, c=cursor: copy_rows(
                    c, "bench_raw", "outlet_id, variant_id, on_hand", rows
                )
            )
            results[("copy_unindexed", label)] = seconds
            cursor.execute("DROP TABLE bench_raw")
            cursor.execute("TRUNCATE bench_clone")
            seconds, _ = timed(
                lambda rows=rows, c=cursor: copy_rows(
                    c,
                    "bench_clone",
                    "outlet_id, variant_id, on_hand, reserved, synced_at",
                    ((o, v, n, 0, now) for o, v, n in rows),
                )
            )
            results[("copy_clone", label)] = seconds
        pg.commit()

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_clone")
        cursor.execute("TRUNCATE inventory_stocklevel")
    for label, rows in (("first load", first), ("re-sync", second)):
        objects = [
            StockLevel(outlet_id=o, variant_id=v, on_hand=n, synced_at=now) for o, v, n in rows
        ]
        seconds, _ = timed(
            lambda objects=objects: StockLevel.objects.bulk_create(
                objects,
                batch_size=5000,
                update_conflicts=True,
                unique_fields=["outlet", "variant"],
                update_fields=["on_hand", "synced_at"],
            )
        )
        results[("bulk_create", label)] = seconds
        del objects

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE inventory_stocklevel")
    code_of = {o.pk: o.code for o in outlets}
    sku_of = {v.pk: v.sku for v in variants}
    peak = engine(args, results, retailers[0], code_of, sku_of, first, second)

    report(args, results, peak)


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


def engine(args, results, retailer, code_of, sku_of, first, second):
    from django.conf import settings
    from django.core.files import File
    from django.db import transaction

    from o2o.celery import app
    from o2o.inventory import services
    from o2o.inventory.models import SyncRun

    app.control.purge()
    media = tempfile.mkdtemp(prefix="o2o-bench-media-")
    env = {**os.environ, "DJANGO_MEDIA_ROOT": media}
    settings.MEDIA_ROOT = media
    worker = subprocess.Popen(
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
        env=env,
        start_new_session=True,
    )
    time.sleep(3)
    peak = 0
    try:
        for minutes_ago, (label, rows) in ((10, ("first load", first)), (5, ("re-sync", second))):
            with tempfile.NamedTemporaryFile(suffix=".csv", delete=False) as handle:
                path = handle.name
            write_csv(path, rows, code_of, sku_of)
            as_of = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=minutes_ago)
            start = time.perf_counter()
            with open(path, "rb") as source, transaction.atomic():
                run = services.queue_file(
                    uploaded=File(source, name="bench.csv"), as_of=as_of, retailer=retailer
                )
            while SyncRun.objects.filter(pk=run.pk, status__in=["queued", "running"]).exists():
                time.sleep(0.05)
            results[("engine", label)] = time.perf_counter() - start
            run.refresh_from_db()
            assert run.status == "applied" and run.rows_applied == len(rows), (
                run.status,
                run.rows_applied,
                run.message,
            )
            os.unlink(path)
        peak = worker_peak_rss(worker.pid)
    finally:
        os.killpg(worker.pid, 15)
        worker.wait(timeout=60)
    return peak


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


def report(args, results, peak):
    rows = args.rows
    lines = [f"| path | {' | '.join(['first load', 're-sync'])} |", "|---|---|---|"]
    for path in ("copy_unindexed", "copy_clone", "bulk_create", "engine"):
        cells = [
            f"{rows / results[(path, label)]:,.0f} rows/s ({results[(path, label)]:.1f} s)"
            for label in ("first load", "re-sync")
        ]
        lines.append(f"| {path} | {' | '.join(cells)} |")
    ratios = []
    for label in ("first load", "re-sync"):
        engine = results[("engine", label)]
        ratios.append(
            f"{label}: engine = {results[('copy_clone', label)] / engine:.0%} of COPY into the "
            f"indexed clone (target >= 35%), {results[('bulk_create', label)] / engine:.2f}x "
            f"bulk_create (target >= 2.5x), {results[('copy_unindexed', label)] / engine:.0%} "
            f"of COPY into an unindexed table"
        )
    text = "\n".join([*lines, "", *ratios, f"worker peak RSS: {peak} MB (target < 300 MB)"])
    print(text)
    if not args.no_record:
        from bench.results import command_line, record

        record("T1 ingest", command_line("bench-ingest"), text)


if __name__ == "__main__":
    main()
