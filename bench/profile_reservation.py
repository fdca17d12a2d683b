"""Where the reservation endpoint's time goes (T5b): `--requests` reservations through
Django's test client in this process, on the benchmark database, timed against the raw
twin (bench/site/views.py) in alternating rounds, then profiled with pyinstrument; prints
both times, their ratio and the profile's top lines. Nothing is recorded (an in-process
figure, not T5b's over HTTP: `make bench-reservations`).

  make bench-profile-reservation
"""

import argparse
import json
import os
import statistics
import time

from bench.ingest import configure
from bench.reservations import ROWS
from bench.storm import RATES

ENDPOINT, TWIN = "/api/v1/reservations/", "/bench/reservation-raw/"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    os.environ.update(RATES)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.site.settings"
    configure()
    from django.core.management import call_command
    from django.test import Client
    from pyinstrument import Profiler

    call_command("migrate", verbosity=0)
    from bench import scale
    from o2o.inventory.models import StockLevel

    scale.reset()
    _retailers, outlets, variants = scale.build(outlets=ROWS, variants=1, retailers=1)
    StockLevel.objects.bulk_create(
        StockLevel(outlet=outlet, variant=variants[0], on_hand=10**8) for outlet in outlets
    )
    client, sku = Client(), variants[0].sku

    def reserve(path, index):
        body = {
            "brand": "bench",
            "sku": sku,
            "outlet": outlets[index % len(outlets)].code,
            "quantity": 1,
            "shopper_name": f"Shopper {index}",
            "shopper_email": f"s{index}@example.com",
            "shopper_phone": "+91 9000000000",
        }
        response = client.post(path, json.dumps(body), content_type="application/json")
        assert response.status_code == 201, response.content

    def timed(path):
        began = time.perf_counter()
        for index in range(args.requests):
            reserve(path, index)
        return (time.perf_counter() - began) / args.requests * 1000

    for path in (ENDPOINT, TWIN):  # warm both paths, not counted
        for index in range(50):
            reserve(path, index)
    times = {ENDPOINT: [], TWIN: []}
    for _round in range(args.rounds):
        for path in times:
            times[path].append(timed(path))
    endpoint, twin = (statistics.median(values) for values in times.values())
    print(
        f"in process, median of {args.rounds} rounds of {args.requests}: endpoint "
        f"{endpoint:.1f} ms, raw twin {twin:.1f} ms, twin / endpoint {twin / endpoint:.0%}"
    )
    profiler = Profiler(interval=0.0005)
    profiler.start()
    timed(ENDPOINT)
    profiler.stop()
    print(profiler.output_text(unicode=False, color=False))


if __name__ == "__main__":
    main()
