"""Where a launch queue's join, poll and reservation spend their time (T10): `--shoppers`
join, poll once each, then every one is let in and reserves, through Django's test client
in this process on the benchmark database; half of each step is timed, the other half
profiled with pyinstrument. Nothing is recorded (an in-process figure; T10 itself is
measured over HTTP by `make bench-launch`).

  make bench-profile-launch [BENCH_ARGS="--shoppers 1000"]   (PROFILE_FLAT=1: self times)
"""

import argparse
import json
import os
import time

from bench.ingest import configure
from bench.launch import RATES, build


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shoppers", type=int, default=2000)
    parser.add_argument("--admit-per-second", type=int, default=50)
    args = parser.parse_args()
    configure("bench.site.settings", **RATES)
    from django.core.management import call_command
    from django.test import Client
    from pyinstrument import Profiler

    from o2o.launches import queue
    from o2o.launches.models import Launch

    call_command("migrate", verbosity=0)
    launch, product, skus, outlets = build(100, args.shoppers // 50, args.admit_per_second)
    base = f"/api/v1/launches/{product.brand.slug}/{product.slug}/"
    path = base + "queue/"
    client = Client()
    tickets = []

    def join(index):
        body = json.dumps({"email": f"shopper{index}@example.com"})
        response = client.post(path, body, content_type="application/json")
        assert response.status_code == 201, response.content
        tickets.append(response.json()["ticket"])

    def poll(ticket):
        response = client.get(path, HTTP_X_QUEUE_TICKET=ticket)
        assert response.status_code == 200, response.content

    def reserve(index):
        body = {
            "sku": skus[index % len(skus)],
            "outlet": outlets[index % len(outlets)],
            "quantity": 1,
            "shopper_name": f"Shopper {index}",
            "shopper_phone": "+91 9000000000",
        }
        response = client.post(
            base + "reserve/",
            json.dumps(body),
            content_type="application/json",
            HTTP_X_QUEUE_TICKET=tickets[index],
        )
        assert response.status_code == 201, response.content

    def let_everyone_in():
        Launch.objects.filter(pk=launch.pk).update(admit_per_second=0)
        queue.start_turns(launch_id=launch.pk)

    half = args.shoppers // 2
    steps = {"join": join, "poll": poll, "reserve": reserve}
    for name in steps:  # timed: the first half of the shoppers join, then poll once each
        if name == "reserve":
            let_everyone_in()
        items = range(half) if name != "poll" else list(tickets)
        began = time.perf_counter()
        for item in items:
            steps[name](item)
        print(f"{name}: {(time.perf_counter() - began) / len(items) * 1000:.2f} ms in process")
    for name in steps:  # profiled: the second half
        items = range(half, args.shoppers) if name != "poll" else tickets[half:]
        profiler = Profiler(interval=0.0002)
        profiler.start()
        for item in items:
            steps[name](item)
        profiler.stop()
        print(f"--- {name} ---")
        print(
            profiler.output_text(
                unicode=False, color=False, flat=bool(os.environ.get("PROFILE_FLAT"))
            )
        )


if __name__ == "__main__":
    main()
