"""Where the reservation endpoint's time goes (T5b): `--requests` reservations through
Django's test client in this process, on the benchmark database, timed against the raw
twin (bench/site/views.py) in alternating rounds, then profiled with pyinstrument; prints
both times, their ratio and the profile's top lines. Nothing is recorded (an in-process
figure, not T5b's over HTTP: `make bench-reservations`).

  make bench-profile-reservation
"""

import argparse
import json
import statistics
import time

from bench.ingest import configure
from bench.reservations import bodies, stocked_rows
from bench.storm import RATES

ENDPOINT, TWIN = "/api/v1/reservations/", "/bench/reservation-raw/"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    configure("bench.site.settings", **RATES)
    from django.test import Client
    from pyinstrument import Profiler

    outlets, sku = stocked_rows()
    client = Client()
    requests = bodies([(sku, outlet.code) for outlet in outlets], args.requests)

    def reserve(path, index):
        body = json.dumps(requests[index % len(requests)])
        response = client.post(path, body, content_type="application/json")
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
