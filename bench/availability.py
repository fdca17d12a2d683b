"""T2 (and T9 at 500k outlets): "nearest 10 outlets with >= 1 unit of a SKU", the product's
selector (`stock_near_rows`, the rows the availability API serializes; `stock_near`, which
builds a model per shop for the storefront, is printed beside it) with its shipped
defaults (limit O2O_LOCATOR_RESULTS, radius O2O_LOCATOR_MAX_RADIUS_KM), side by side
with plain nearest-10-outlets KNN queries on the outlets alone (no stock): the built-in
`point` GiST and earthdistance's cube GiST, the faster of the two being the reference.
Per query the order of the paths is shuffled; the whole comparison runs --rounds times
and the ratio's spread (min / median / max) is printed, with the load average before and
after. A spread that crosses the target is "within noise", not "holds". Every selector
answer is checked against a brute-force search. The bounding-box path (SQLite's,
O2O_LOCATOR_KNN=false) is measured alongside for the record.

  make bench-availability BENCH_ARGS="--outlets 100000"
"""

import argparse
import os
import random
import statistics
import time

from bench.ingest import configure
from bench.results import command_line, record

TARGET = 2.5  # T2: selector p95 <= 2.5x the plain KNN p95


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--outlets", type=int, default=100_000)
    parser.add_argument("--skus", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep the generated data")
    parser.add_argument(
        "--postgis",
        action="store_true",
        help="also measure a PostGIS geography GiST over (variant, position) on the stock "
        "table (needs Debian's postgresql-15-postgis-3; adds columns to the bench database)",
    )
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    configure()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import F

    call_command("migrate", verbosity=0)
    from bench.generate import generated
    from o2o.catalogue.models import Variant
    from o2o.core.geo import haversine_km, haversine_sql
    from o2o.inventory.models import StockLevel
    from o2o.locator.selectors import stock_near, stock_near_rows
    from o2o.outlets.models import Outlet

    radius, limit = settings.O2O_LOCATOR_MAX_RADIUS_KM, settings.O2O_LOCATOR_RESULTS

    def brute_force(variant, lat, lng):
        shops = StockLevel.objects.filter(
            variant=variant,
            on_hand__gt=F("reserved"),
            outlet__status=Outlet.Status.ACTIVE,
            outlet__authorizations__brand_id=variant.brand_id,
            outlet__authorizations__is_active=True,
        ).values_list("outlet_id", "outlet__latitude", "outlet__longitude")
        near = sorted(
            (km, pk) for pk, la, lo in shops if (km := haversine_km(lat, lng, la, lo)) <= radius
        )
        return [pk for _km, pk in near[:limit]]

    def reference_indexes():
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS cube")
            cursor.execute("CREATE EXTENSION IF NOT EXISTS earthdistance")
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS bench_outlet_earth ON outlets_outlet"
                " USING gist (ll_to_earth(latitude, longitude))"
            )
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS bench_outlet_point ON outlets_outlet"
                " USING gist (point(longitude, latitude))"
            )
            cursor.execute("ANALYZE outlets_outlet")

    def plain(kind):
        order = {
            "point": "point(longitude, latitude) <-> point(%s, %s)",
            "earthdistance": "ll_to_earth(latitude, longitude) <-> ll_to_earth(%s, %s)",
        }[kind]

        def run(variant, lat, lng):
            params = [lng, lat] if kind == "point" else [lat, lng]
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT id FROM outlets_outlet ORDER BY {order} LIMIT %s", [*params, limit]
                )
                return cursor.fetchall()

        return run

    def postgis_index():
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS postgis")
            cursor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
            cursor.execute(
                "ALTER TABLE inventory_stocklevel"
                " ADD COLUMN IF NOT EXISTS geog geography(Point, 4326)"
            )
            cursor.execute("DROP INDEX IF EXISTS bench_stock_geog")
            cursor.execute(
                "UPDATE inventory_stocklevel sl SET geog = ST_SetSRID(ST_MakePoint("
                "o.longitude, o.latitude), 4326)::geography FROM outlets_outlet o"
                " WHERE o.id = sl.outlet_id"
            )
            cursor.execute(
                "CREATE INDEX bench_stock_geog ON inventory_stocklevel"
                " USING gist (variant_id, geog) WHERE shown"
            )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE inventory_stocklevel")

    def postgis(variant, lat, lng):
        """The selector's query with PostGIS geography KNN in place of the 4-D cube."""
        sql = (
            "SELECT * FROM (SELECT o.*, near.available, "
            + haversine_sql("o.latitude", "o.longitude")
            + " AS distance_km FROM (SELECT sl.outlet_id, sl.on_hand - sl.reserved AS available"
            " FROM inventory_stocklevel sl WHERE sl.variant_id = %s AND sl.shown"
            " AND sl.on_hand > sl.reserved ORDER BY sl.geog <-> ST_SetSRID(ST_MakePoint(%s, %s),"
            " 4326)::geography LIMIT %s) near JOIN outlets_outlet o ON o.id = near.outlet_id) f"
            " WHERE distance_km <= %s ORDER BY distance_km, id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [lat, lat, lng, variant.pk, lng, lat, limit, radius])
            return cursor.fetchall()

    def selector(knn, shape=stock_near_rows):
        """The shipped selector: rows (what the availability API serializes) by default;
        `stock_near` builds an Outlet model per shop (the storefront's)."""

        def run(variant, lat, lng):
            settings.O2O_LOCATOR_KNN = knn
            return shape(variant=variant, lat=lat, lng=lng)

        return run

    start = time.perf_counter()
    brand, cities, weights = generated(
        outlets=args.outlets, skus=args.skus, per_outlet=20, reuse=args.reuse
    )
    built = time.perf_counter() - start
    stock_rows = StockLevel.objects.count()
    reference_indexes()
    if args.postgis:
        postgis_index()
    load_before = os.getloadavg()
    rng = random.Random(7)
    variants = list(Variant.objects.filter(brand=brand))
    points = [
        (
            city["latitude"] + rng.gauss(0, 0.1),
            city["longitude"] + rng.gauss(0, 0.1),
            rng.choice(variants),
        )
        for city in rng.choices(cities, weights=weights, k=args.queries)
    ]
    paths = {
        "selector": selector(True),
        "selector, as models": selector(True, stock_near),
        "bbox": selector(False),
        "point": plain("point"),
        "earthdistance": plain("earthdistance"),
    }
    if args.postgis:
        paths["postgis"] = postgis
    for run in paths.values():  # one warm-up pass each, not timed
        for lat, lng, variant in points[:20]:
            run(variant, lat, lng)
    complete, found, rounds = 0, [], []
    for round_no in range(args.rounds):
        times = {name: [] for name in paths}
        order_rng = random.Random(100 + round_no)
        for lat, lng, variant in points:
            names = list(paths)
            order_rng.shuffle(names)
            for name in names:
                began = time.perf_counter()
                answer = paths[name](variant, lat, lng)
                times[name].append(1000 * (time.perf_counter() - began))
                if name == "selector" and round_no == 0:
                    found.append(len(answer))
                    complete += [row["id"] for row in answer] == brute_force(variant, lat, lng)
        rounds.append(
            {name: (statistics.median(t), percentile(t, 0.95)) for name, t in times.items()}
        )
    settings.O2O_LOCATOR_KNN = True
    load_after = os.getloadavg()
    if args.postgis:  # leave the bench database as the product has it
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS bench_stock_geog")
            cursor.execute("ALTER TABLE inventory_stocklevel DROP COLUMN IF EXISTS geog")
    reference = min(
        ("point", "earthdistance"), key=lambda n: statistics.median(r[n][1] for r in rounds)
    )
    ratios = sorted(r["selector"][1] / r[reference][1] for r in rounds)
    model_ratios = sorted(r["selector, as models"][1] / r[reference][1] for r in rounds)
    bbox_ratios = sorted(r["bbox"][1] / r[reference][1] for r in rounds)
    low, mid, high = ratios[0], statistics.median(ratios), ratios[-1]
    verdict = "holds" if high <= TARGET else ("within noise" if low <= TARGET else "misses")
    med = lambda name, i: statistics.median(r[name][i] for r in rounds)  # noqa: E731
    text = (
        f"{args.outlets:,} outlets, {stock_rows:,} stock rows, {args.skus:,} SKUs (generated in "
        f"{built:.0f} s); settings: limit {limit}, radius {radius:g} km (shipped defaults), "
        f"{args.queries} queries x {args.rounds} rounds, order shuffled per query; load "
        f"average {load_before[0]:.2f} before, {load_after[0]:.2f} after.\n\n"
        f"| path | p50 ms | p95 ms |\n|---|---|---|\n"
        + "".join(f"| {name} | {med(name, 0):.2f} | {med(name, 1):.2f} |\n" for name in paths)
        + f"\nReference: plain nearest-10 outlets by **{reference}** KNN (the faster here). "
        f"T2 ratio of p95 (selector / reference), min / median / max over the rounds: "
        f"{low:.2f}x / {mid:.2f}x / {high:.2f}x, target <= {TARGET}x: **{verdict}**. "
        f"The selector building models (the storefront's `stock_near`): "
        f"{model_ratios[0]:.2f}x / {statistics.median(model_ratios):.2f}x / "
        f"{model_ratios[-1]:.2f}x. The bounding-box path's ratio: {bbox_ratios[0]:.1f}x / "
        f"{statistics.median(bbox_ratios):.1f}x / {bbox_ratios[-1]:.1f}x. Shops found: "
        f"{statistics.mean(found):.1f} of {limit} on average; the same shops in the same "
        f"order as a brute-force search in {complete} of {args.queries} queries."
    )
    print(text)
    if not args.no_record:
        name = "T9 T2 at" if args.outlets >= 500_000 else "T2"
        record(
            f"T2 nearest availability ({args.outlets:,} outlets)",
            command_line("bench-availability"),
            text,
            latest={
                f"{name} {args.outlets:,} outlets, p95 selector / plain KNN": (
                    f"{low:.2f}x / {mid:.2f}x / {high:.2f}x (<= {TARGET}x); selector p95 "
                    f"{med('selector', 1):.2f} ms; complete {complete}/{args.queries}",
                    verdict if complete == args.queries else "misses (incomplete)",
                )
            },
        )


if __name__ == "__main__":
    main()
