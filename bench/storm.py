"""T5: reservations over HTTP, through gunicorn and the API.
- A storm: 200 concurrent clients reserve one hot SKU, 50 units across 5 outlets: exactly
  50 succeed, the rest get a clean 409, and no stock level is oversold (throughput, p95).
(T5's hot-row and T5b's cost ratios are bench/reservations.py.)
Appends to bench/RESULTS.md.

  make bench-storm
"""

import argparse
import concurrent.futures
import time

from bench.ingest import configure
from bench.results import command_line, record
from bench.server import gunicorn

RATES = {
    "O2O_RESERVATIONS_PER_IP": "1000000",
    "O2O_SHOPPER_RATE": "1000000/min",
    "O2O_RESERVATIONS_PER_EMAIL": "1000000",
}


def post_reservation(base, sku, outlet_code, index):
    import requests

    body = {
        "brand": "bench",
        "sku": sku,
        "outlet": outlet_code,
        "quantity": 1,
        "shopper_name": f"S{index}",
        "shopper_email": f"s{index}@example.com",
        "shopper_phone": "+91 9000000000",
    }
    began = time.perf_counter()
    response = requests.post(f"{base}/api/v1/reservations/", json=body, timeout=60)
    return response.status_code, response.json().get("code"), time.perf_counter() - began


def oversold_levels():
    from o2o.inventory.models import StockLevel

    levels = list(StockLevel.objects.values_list("on_hand", "reserved"))
    return sum(1 for on_hand, reserved in levels if reserved > on_hand), levels


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    configure()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from bench import scale
    from o2o.inventory.models import StockLevel

    scale.reset()
    _retailers, outlets, variants = scale.build(outlets=5, variants=1, retailers=1)
    StockLevel.objects.bulk_create(
        StockLevel(outlet=o, variant=variants[0], on_hand=10) for o in outlets
    )

    with gunicorn(workers=4, **RATES) as base:
        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(args.clients) as pool:
            results = list(
                pool.map(
                    lambda i: post_reservation(base, variants[0].sku, outlets[i % 5].code, i),
                    range(args.clients),
                )
            )
        elapsed = time.perf_counter() - started
    statuses = [status for status, _code, _t in results]
    latencies = sorted(t for _s, _c, t in results)
    oversold, levels = oversold_levels()
    text = (
        f"gunicorn 4 workers, shipped settings except the shoppers' throttles (raised: "
        f"{', '.join(f'{name}={value}' for name, value in RATES.items())}); "
        f"{args.clients} concurrent clients, 50 units over 5 outlets: "
        f"{statuses.count(201)} reserved, {statuses.count(409)} clean 409 "
        f"(insufficient_stock), other {len(statuses) - statuses.count(201) - statuses.count(409)}; "
        f"held {sum(r for _o, r in levels)}, oversold levels {oversold}; "
        f"{len(results) / elapsed:.0f} requests/s, p95 "
        f"{1000 * latencies[int(0.95 * len(latencies))]:.0f} ms"
    )
    print(text)
    if not args.no_record:
        exact = statuses.count(201) == 50 and sum(r for _o, r in levels) == 50 and not oversold
        record(
            "T5 reservation storm",
            command_line("bench-storm"),
            text,
            latest={
                "T5 storm: 200 clients for 50 units": (
                    f"{statuses.count(201)} reserved, oversold rows {oversold}",
                    "holds" if exact else "misses",
                )
            },
        )


if __name__ == "__main__":
    main()
