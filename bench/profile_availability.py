"""Where the availability API's time goes on a new search (T3): `--requests` searches at new
points through Django's test client in this process, on the benchmark database, timed
against the raw twin (bench/site/views.py) in alternating rounds, then profiled with
pyinstrument; prints both times, their ratio and the profile's top lines. Nothing is
recorded (an in-process figure, not T3's over HTTP: `make bench-http`).

  make bench-profile-availability BENCH_ARGS="--outlets 100000"
"""

import argparse
import random
import time

from bench.ingest import configure
from bench.profiling import compare_then_profile

ENDPOINT, TWIN = "/api/v1/availability/", "/bench/availability-raw/"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--outlets", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    configure("bench.site.settings", O2O_SHOPPER_RATE="10000000/min")
    from django.core.management import call_command
    from django.test import Client

    from bench.generate import generated
    from o2o.catalogue.models import Variant

    call_command("migrate", verbosity=0)
    brand, cities, weights = generated(outlets=args.outlets, skus=2000, per_outlet=20, reuse=True)
    skus = list(Variant.objects.filter(brand=brand).values_list("sku", flat=True))
    rng = random.Random()  # unseeded: an earlier run's points may still be cached
    client = Client()

    def searches():  # new points every time: a point searched before is cached
        return [
            f"?sku={rng.choice(skus)}&brand={brand.slug}"
            f"&lat={city['latitude'] + rng.gauss(0, 0.05):.6f}"
            f"&lng={city['longitude'] + rng.gauss(0, 0.05):.6f}"
            for city in rng.choices(cities, weights=weights, k=args.requests)
        ]

    def timed(path):
        queries = searches()
        began = time.perf_counter()
        for query in queries:
            response = client.get(path + query)
            assert response.status_code == 200, response.content
        return (time.perf_counter() - began) / args.requests * 1000

    compare_then_profile(
        timed,
        endpoint=ENDPOINT,
        twin=TWIN,
        rounds=args.rounds,
        requests=args.requests,
        interval=0.0002,
    )


if __name__ == "__main__":
    main()
