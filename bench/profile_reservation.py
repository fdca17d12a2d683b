"""Where the reservation endpoint's time goes (T5b): `--requests` reservations through
Django's test client in this process, on the benchmark database, timed against the raw
twin (bench/site/views.py) in alternating rounds, then profiled with pyinstrument; prints
both times, their ratio and the profile's top lines. Nothing is recorded (an in-process
figure, not T5b's over HTTP: `make bench-reservations`).

  make bench-profile-reservation
"""

import argparse
import json
import time

from bench.ingest import configure
from bench.profiling import compare_then_profile
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

    compare_then_profile(
        timed, endpoint=ENDPOINT, twin=TWIN, rounds=args.rounds, requests=args.requests
    )


if __name__ == "__main__":
    main()
