"""T5: a reservation storm over HTTP. 200 concurrent clients reserve one hot SKU, 50 units
across 5 outlets, through gunicorn and the API: exactly 50 succeed, the rest get a clean 409,
and no stock level is oversold. Reports throughput and p95. Appends to bench/RESULTS.md.

  make bench-storm
"""

import argparse
import concurrent.futures
import time

from bench.ingest import configure
from bench.results import record
from bench.server import gunicorn


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    configure()
    import requests
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from bench import scale
    from o2o.inventory.models import StockLevel

    scale.reset()
    _retailers, outlets, variants = scale.build(outlets=5, variants=1, retailers=1)
    StockLevel.objects.bulk_create(
        StockLevel(outlet=o, variant=variants[0], on_hand=10) for o in outlets
    )

    def reserve(index):
        body = {
            "brand": "bench",
            "sku": variants[0].sku,
            "outlet": outlets[index % 5].code,
            "quantity": 1,
            "shopper_name": f"S{index}",
            "shopper_email": f"s{index}@example.com",
            "shopper_phone": "+91 9000000000",
        }
        began = time.perf_counter()
        response = requests.post(f"{base}/api/v1/reservations/", json=body, timeout=60)
        return response.status_code, response.json().get("code"), time.perf_counter() - began

    with gunicorn(
        workers=4,
        O2O_RESERVATIONS_PER_IP="100000",
        O2O_SHOPPER_RATE="100000/min",
        O2O_RESERVATIONS_PER_EMAIL="100000",
    ) as base:
        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(args.clients) as pool:
            results = list(pool.map(reserve, range(args.clients)))
        elapsed = time.perf_counter() - started
    statuses = [status for status, _code, _t in results]
    latencies = sorted(t for _s, _c, t in results)
    levels = list(StockLevel.objects.values_list("on_hand", "reserved"))
    oversold = sum(1 for on_hand, reserved in levels if reserved > on_hand)
    text = (
        f"{args.clients} concurrent clients, 50 units over 5 outlets: "
        f"{statuses.count(201)} reserved, {statuses.count(409)} clean 409 "
        f"(insufficient_stock), other {len(statuses) - statuses.count(201) - statuses.count(409)}; "
        f"held {sum(r for _o, r in levels)}, oversold levels {oversold}; "
        f"{len(results) / elapsed:.0f} requests/s, p95 "
        f"{1000 * latencies[int(0.95 * len(latencies))]:.0f} ms"
    )
    print(text)
    if not args.no_record:
        record("T5 reservation storm", "make bench-storm", text)


if __name__ == "__main__":
    main()
