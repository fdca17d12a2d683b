"""T5 and T5b: reservations over HTTP (wrk, 16 connections, gunicorn), side by side in one run.

- T5b: the reservation endpoint against a raw twin (bench/site/views.py: the same
  conditional UPDATE of the hold and the same INSERTs through a cursor, nothing else), each
  request on a stock row of its own outlet (goal: the endpoint >= 50 % of the twin).
- T5: one hot stock row for every request against a row each, for the endpoint and for the
  twin. The twin does no more than the database must, so its hot/spread ratio shows where
  the row lock itself is the bottleneck (goal >= 30 %, for both).
Every pair is run alternately, `--rounds` times; the ratio's min / median / max, the load
average at the start and the end, and a verdict are printed. Afterwards no stock row is
oversold and every reservation holds exactly its units. Appends to bench/RESULTS.md.

  make bench-reservations
"""

import argparse

from bench.ingest import configure
from bench.results import command_line, record
from bench.server import gunicorn
from bench.storm import RATES
from bench.wrk import busy_by_kind, cpu_by_process, load_average, run, script, spread, verdict

WORKERS = 4
CONNECTIONS = 16
ROWS = 64  # the spread case: one outlet each, so no two requests wait for one another


def bodies(pairs, count):
    return [
        {
            "brand": "bench",
            "sku": sku,
            "outlet": outlet,
            "quantity": 1,
            "shopper_name": f"Shopper {index}",
            "shopper_email": f"s{index}@example.com",
            "shopper_phone": "+91 9000000000",
        }
        for index, (sku, outlet) in enumerate(pairs[i % len(pairs)] for i in range(count))
    ]


def stocked_rows():
    """A fresh benchmark database: ROWS outlets each holding 10^8 units of one SKU;
    (the outlets, the SKU)."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from bench import scale
    from o2o.inventory.models import StockLevel

    scale.reset()
    _retailers, outlets, variants = scale.build(outlets=ROWS, variants=1, retailers=1)
    StockLevel.objects.bulk_create(
        StockLevel(outlet=outlet, variant=variants[0], on_hand=10**8) for outlet in outlets
    )
    return outlets, variants[0].sku


def ratio(numerator, denominator):
    if not (numerator.clean and denominator.clean):
        return None
    return numerator.rps / denominator.rps


def per_request(seconds_by_kind, requests):
    kinds = ("gunicorn", "postgres", "redis", "other")  # wrk has ended when read
    shares = [f"{kind} {seconds_by_kind.get(kind, 0.0) / requests * 1000:.2f}" for kind in kinds]
    total = sum(seconds_by_kind.values()) / requests * 1000
    return ", ".join(shares) + f"; all {total:.2f}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", default="8s")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    configure()
    from o2o.inventory.models import StockLevel
    from o2o.reservations.models import Reservation

    outlets, sku = stocked_rows()
    scripts = {
        "spread": script(bodies=bodies([(sku, outlet.code) for outlet in outlets], 4000)),
        "hot": script(bodies=bodies([(sku, outlets[0].code)], 4000)),
    }
    paths = {
        "endpoint": "/api/v1/reservations/",
        "twin": "/bench/reservation-raw/",
        # the twin with its statements planned once per connection, as the endpoint's are
        "prepared twin": "/bench/reservation-raw-prepared/",
    }
    load_start = load_average()
    runs = {(path, rows): [] for path in paths for rows in scripts}
    cpu = {name: {} for name in paths}  # spread rows: CPU seconds by kind of process
    with gunicorn(workers=WORKERS, DJANGO_SETTINGS_MODULE="bench.site.settings", **RATES) as base:
        for lua in scripts.values():  # warm every worker on both paths, not counted
            for path in paths.values():
                run(base + path, lua, connections=CONNECTIONS, duration="2s")
        for _round in range(args.rounds):
            for rows, lua in scripts.items():
                for name, path in paths.items():
                    if name == "prepared twin" and rows == "hot":
                        continue  # a reference for T5b only
                    before = cpu_by_process()
                    runs[name, rows].append(
                        run(base + path, lua, connections=CONNECTIONS, duration=args.duration)
                    )
                    if rows == "spread":
                        used = busy_by_kind(before, cpu_by_process())
                        for kind, seconds in used.items():
                            cpu[name][kind] = cpu[name].get(kind, 0.0) + seconds
    load_end = load_average()
    levels = list(StockLevel.objects.values_list("on_hand", "reserved"))
    oversold = sum(1 for on_hand, reserved in levels if reserved > on_hand)
    held = sum(reserved for _on_hand, reserved in levels)
    made = Reservation.objects.count()

    latest = {}

    def summary(label, pairs, target=None):
        """The ratios' spread; against `target` (and kept as the target's latest) if given."""
        ratios = [ratio(a, b) for a, b in pairs]
        counted = [r for r in ratios if r is not None]
        low, mid, high = spread(counted) if counted else (0, 0, 0)
        figure = f"{low:.0%} / {mid:.0%} / {high:.0%}"
        if target is None:
            return f"{label}: min / median / max {figure}"
        figure += f" (>= {target:.0%})"
        latest[label] = (figure, verdict(ratios, target))
        return f"{label}: min / median / max {figure}: **{verdict(ratios, target)}**"

    lines = [
        f"{name}, {rows} rows, round {i + 1}: {result.describe()}"
        for (name, rows), results in runs.items()
        for i, result in enumerate(results)
    ]
    lines += [
        summary(
            "T5b endpoint / raw twin (a row each)",
            zip(runs["endpoint", "spread"], runs["twin", "spread"], strict=True),
            0.5,
        ),
        summary(
            "endpoint / the twin with prepared statements (a row each; a reference, not a target)",
            zip(runs["endpoint", "spread"], runs["prepared twin", "spread"], strict=True),
        ),
        summary(
            "T5 endpoint, hot / spread",
            zip(runs["endpoint", "hot"], runs["endpoint", "spread"], strict=True),
            0.3,
        ),
        summary(
            "T5 raw twin (database-bound), hot / spread",
            zip(runs["twin", "hot"], runs["twin", "spread"], strict=True),
            0.3,
        ),
        f"{made:,} reservations made, {held:,} units held, oversold rows {oversold}"
        f" ({'exact' if held == made and not oversold else 'NOT EXACT'})",
    ]
    lines += [
        f"CPU per {name} request, spread rows (ms, read from /proc): "
        + per_request(cpu[name], sum(result.requests for result in runs[name, "spread"]))
        for name in paths
    ]
    text = (
        f"shipped settings except the shoppers' throttles (raised: "
        f"{', '.join(f'{name}={value}' for name, value in RATES.items())}); "
        f"gunicorn {WORKERS} sync workers, wrk -t2 -c{CONNECTIONS} -d{args.duration}, "
        f"{args.rounds} rounds alternating endpoint and twin; load average {load_start} at "
        f"the start, {load_end} at the end\n\n" + "\n".join(f"- {line}" for line in lines)
    )
    print(text)
    if not args.no_record:
        exact = held == made and not oversold
        latest["T5 zero oversell (wrk, every run)"] = (
            f"{made:,} made, {held:,} held, oversold rows {oversold}",
            "holds" if exact else "misses",
        )
        record("T5/T5b reservations", command_line("bench-reservations"), text, latest=latest)


if __name__ == "__main__":
    main()
