"""T5: reservations over HTTP, through gunicorn and the API.
- A storm: 200 concurrent clients reserve one hot SKU, 50 units across 5 outlets: exactly
  50 succeed, the rest get a clean 409, and no stock level is oversold (throughput, p95).
- Hot vs spread: 16 concurrent clients make the same number of reservations, all on one
  stock row, then each on a row of its own; hot-row throughput as a share of spread-row
  throughput (T5 goal >= 30 %), and zero oversell in both.
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


def hot_vs_spread(clients=16, each=25):
    """Requests/s of `clients` concurrent clients on one stock row, and on one row each."""
    from bench import scale
    from o2o.inventory.models import StockLevel

    scale.reset()
    _retailers, outlets, variants = scale.build(outlets=clients, variants=each, retailers=1)
    StockLevel.objects.bulk_create(
        StockLevel(outlet=o, variant=v, on_hand=1000) for o in outlets for v in variants
    )
    count = clients * each
    plans = {
        "spread": [(variants[i // clients].sku, outlets[i % clients].code) for i in range(count)],
        "hot": [(variants[0].sku, outlets[0].code)] * count,
    }
    rates = {}
    with gunicorn(workers=4, **RATES) as base:
        for name, plan in plans.items():
            started = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(clients) as pool:
                calls = [(base, sku, code, f"{name}{i}") for i, (sku, code) in enumerate(plan)]
                results = list(pool.map(lambda call: post_reservation(*call), calls))
            rates[name] = count / (time.perf_counter() - started)
            assert [status for status, _c, _t in results].count(201) == count, name
    oversold, levels = oversold_levels()
    return rates, oversold, sum(reserved for _o, reserved in levels), 2 * count


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
        f"{args.clients} concurrent clients, 50 units over 5 outlets: "
        f"{statuses.count(201)} reserved, {statuses.count(409)} clean 409 "
        f"(insufficient_stock), other {len(statuses) - statuses.count(201) - statuses.count(409)}; "
        f"held {sum(r for _o, r in levels)}, oversold levels {oversold}; "
        f"{len(results) / elapsed:.0f} requests/s, p95 "
        f"{1000 * latencies[int(0.95 * len(latencies))]:.0f} ms"
    )
    rates, oversold, held, made = hot_vs_spread()
    text += (
        f"\n\n16 concurrent clients, {made // 2} reservations each way: one row for all "
        f"{rates['hot']:.0f} req/s, a row each {rates['spread']:.0f} req/s: hot = "
        f"{rates['hot'] / rates['spread']:.0%} of spread (T5 goal >= 30 %); held {held} of "
        f"{made} made, oversold levels {oversold}"
    )
    print(text)
    if not args.no_record:
        record("T5 reservation storm", command_line("bench-storm"), text)


if __name__ == "__main__":
    main()
