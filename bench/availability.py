"""T2: "nearest 10 outlets with >= 1 unit of a SKU" at scale, side by side with plain
nearest-10-outlets queries (no stock) in the same run: a GiST KNN one (TARGETS.md's
reference, on an earthdistance index the bench creates in its own database) and one by
bounding box + haversine; p50 and p95 over points drawn by city
population. Appends to bench/RESULTS.md.

  make bench-availability BENCH_ARGS="--outlets 100000"
"""

import argparse
import random
import statistics
import time

from bench.ingest import configure
from bench.results import command_line, record


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--outlets", type=int, default=100_000)
    parser.add_argument("--skus", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    configure()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import F

    call_command("migrate", verbosity=0)
    from bench.generate import generate
    from o2o.catalogue.models import Variant
    from o2o.core.geo import bounding_box, haversine_expression, haversine_km
    from o2o.inventory.models import StockLevel
    from o2o.locator.selectors import stock_near
    from o2o.outlets.models import Outlet

    def brute_force(variant, lat, lng):
        """The true nearest 10 within 25 km: every shop with the variant, measured in Python."""
        shops = StockLevel.objects.filter(
            variant=variant,
            on_hand__gt=F("reserved"),
            outlet__status=Outlet.Status.ACTIVE,
            outlet__authorizations__brand_id=variant.brand_id,
            outlet__authorizations__is_active=True,
        ).values_list("outlet_id", "outlet__latitude", "outlet__longitude")
        near = sorted(
            (km, pk) for pk, la, lo in shops if (km := haversine_km(lat, lng, la, lo)) <= 25
        )
        return [pk for _km, pk in near[:10]]

    def knn_index():
        """The reference KNN index (earthdistance's cube GiST), in the bench database only."""
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS cube")
            cursor.execute("CREATE EXTENSION IF NOT EXISTS earthdistance")
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS bench_outlet_earth ON outlets_outlet"
                " USING gist (ll_to_earth(latitude, longitude))"
            )
            cursor.execute("ANALYZE outlets_outlet")

    def knn_nearest(lat, lng):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM outlets_outlet ORDER BY ll_to_earth(latitude, longitude)"
                " <-> ll_to_earth(%s, %s) LIMIT 10",
                [lat, lng],
            )
            return cursor.fetchall()

    start = time.perf_counter()
    brand, cities, weights = generate(outlets=args.outlets, skus=args.skus, per_outlet=20)
    built = time.perf_counter() - start
    knn_index()
    rng = random.Random(7)
    variants = list(Variant.objects.filter(brand=brand))
    ours, plain, knn, found, complete = [], [], [], [], 0
    for city in rng.choices(cities, weights=weights, k=args.queries):
        lat = city["latitude"] + rng.gauss(0, 0.1)
        lng = city["longitude"] + rng.gauss(0, 0.1)
        variant = rng.choice(variants)
        began = time.perf_counter()
        hits = stock_near(variant=variant, lat=lat, lng=lng, limit=10, max_radius_km=25)
        ours.append(1000 * (time.perf_counter() - began))
        found.append(len(hits))
        complete += [hit.outlet.pk for hit in hits] == brute_force(variant, lat, lng)
        began = time.perf_counter()
        min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, 25)
        list(
            Outlet.objects.filter(
                latitude__range=(min_lat, max_lat), longitude__range=(min_lng, max_lng)
            )
            .annotate(km=haversine_expression(lat, lng))
            .filter(km__lte=25)
            .order_by("km")
            .values_list("pk", flat=True)[:10]
        )
        plain.append(1000 * (time.perf_counter() - began))
        began = time.perf_counter()
        knn_nearest(lat, lng)
        knn.append(1000 * (time.perf_counter() - began))
    text = (
        f"{args.outlets:,} outlets, {args.skus:,} SKUs (generated in {built:.0f} s), "
        f"{args.queries} queries within 25 km: selector p50 {statistics.median(ours):.1f} ms, "
        f"p95 {percentile(ours, 0.95):.1f} ms (issue goal p95 <= 20 ms); plain nearest-10 "
        f"outlets by KNN (GiST, earthdistance) p50 {statistics.median(knn):.2f} ms, p95 "
        f"{percentile(knn, 0.95):.2f} ms: ratio p95 "
        f"{percentile(ours, 0.95) / percentile(knn, 0.95):.1f}x (T2 goal <= 8x); plain "
        f"nearest-10 outlets by bounding box + haversine (the selector's method without the "
        f"stock) p50 {statistics.median(plain):.1f} ms, p95 {percentile(plain, 0.95):.1f} ms: "
        f"ratio p95 {percentile(ours, 0.95) / percentile(plain, 0.95):.1f}x; "
        f"average shops found {statistics.mean(found):.1f} of 10 (as many as exist within "
        f"25 km); the same shops, in the same order, as a brute-force search in "
        f"{complete} of {args.queries} queries (T2 goal: all)"
    )
    print(text)
    if not args.no_record:
        record("T2 nearest availability", command_line("bench-availability"), text)


if __name__ == "__main__":
    main()
