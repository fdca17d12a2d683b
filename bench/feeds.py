"""Google local inventory feeds at scale: a brand with 100,000 partner outlets and their SKUs
(2,000,000 stock rows), both feeds written by the product's own service
(`o2o.localfeeds.services.generate_feeds`), side by side with PostgreSQL writing the same
inventory join as text by itself (`COPY (SELECT ...) TO STDOUT`, the floor for any writer).
Printed: rows, seconds, rows/s, the ratio to the COPY floor, and the peak memory the
generation holds at once (tracemalloc's peak, in a process of its own that does nothing
else): it must stay flat however many rows there are.

  make bench-feeds BENCH_ARGS="--outlets 100000"
"""

import argparse
import json
import subprocess
import sys
import time
import tracemalloc

from bench.ingest import configure
from bench.results import command_line, record


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--outlets", type=int, default=100_000)
    parser.add_argument("--skus", type=int, default=2000)
    parser.add_argument("--per-outlet", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="keep the generated data")
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)  # a brand id
    args = parser.parse_args()
    configure()
    if args.child:
        child(args.child)
        return
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from bench.generate import generated
    from o2o.localfeeds.selectors import feeds_of

    brand, _cities, _weights = generated(
        outlets=args.outlets, skus=args.skus, per_outlet=args.per_outlet, reuse=args.reuse
    )
    floor_sql = (
        "COPY (SELECT o.code, v.sku, v.gtin, greatest(sl.on_hand - sl.reserved, 0),"
        " v.price FROM inventory_stocklevel sl"
        " JOIN outlets_outlet o ON o.id = sl.outlet_id"
        " JOIN outlets_outletauthorization a ON a.outlet_id = o.id AND a.brand_id = %s"
        " JOIN catalogue_variant v ON v.id = sl.variant_id"
        " WHERE a.is_active AND o.status = 'active' AND v.brand_id = %s AND v.is_active"
        " ORDER BY sl.outlet_id, sl.variant_id) TO STDOUT"
    )
    with connection.cursor() as cursor:
        start = time.perf_counter()
        copied = 0
        with cursor.cursor.copy(floor_sql.replace("%s", str(brand.pk))) as copy:
            for block in copy:
                copied += bytes(block).count(b"\n")
        floor = time.perf_counter() - start
    measured = json.loads(
        subprocess.run(
            [sys.executable, "-m", "bench.feeds", "--child", str(brand.pk)],
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    seconds, peak = measured["seconds"], measured["peak_mb"]
    inventory, stores = (feeds_of(brand=brand)[kind] for kind in ("inventory", "stores"))
    lines = [
        f"{args.outlets:,} outlets, {inventory.rows:,} inventory rows "
        f"({inventory.bytes / 2**20:.0f} MB), {stores.rows:,} stores",
        f"generate_feeds (both files): {seconds:.1f} s, "
        f"{inventory.rows / seconds:,.0f} inventory rows/s",
        f"PostgreSQL COPY of the same join as text: {copied:,} rows in {floor:.1f} s "
        f"({copied / floor:,.0f} rows/s); product / floor time: {seconds / floor:.1f}x",
        f"peak Python memory of the generation: {peak:.1f} MB (tracemalloc, a second run "
        "in a process of its own)",
    ]
    text = "\n".join(f"- {line}" for line in lines)
    print(text)
    if not args.no_record:
        record("Google local inventory feeds", command_line("bench-feeds"), text)


def child(brand_id):
    """Generate the brand's feeds and nothing else; print the time and memory as JSON."""
    from o2o.brands.models import Brand
    from o2o.localfeeds.services import generate_feeds

    brand = Brand.objects.get(pk=brand_id)
    start = time.perf_counter()
    generate_feeds(brand=brand)
    seconds = time.perf_counter() - start
    tracemalloc.start()  # a second run, traced: every Python allocation it holds at once
    generate_feeds(brand=brand)
    _now, peak = tracemalloc.get_traced_memory()
    print(json.dumps({"seconds": seconds, "peak_mb": peak / 2**20}))


if __name__ == "__main__":
    main()
