"""T3/T4 and the pages over HTTP with wrk against gunicorn (2 workers), side by side in
one run, with the product's shipped defaults (printed):
- the availability API on searches never made before (every request a new point drawn by
  city population, a random SKU: the cache cannot help) vs the same SQL through a raw
  cursor (T3 >= 65 %) and vs the same endpoint built on values() (T4 >= 85 %);
- the availability API on shopper traffic (city-centre searches, as searches by city name
  are, over many cities and SKUs with Zipf-like popularity: mostly cache hits, a tail of
  misses) vs a bare JsonResponse (T3 >= 25 %, stretch 50 %);
- the catalogue and product pages vs a bare template of the same size.
After a warm-up pass (2 s a target, not counted), every target runs once per round, in a
shuffled order, `--rounds` times, new searches on new points each round; ratios are
printed as min / median / max with a verdict, and a run with timeouts, socket errors or
non-2xx answers is flagged and its ratio not counted. Appends to bench/RESULTS.md.

  make bench-http BENCH_ARGS="--outlets 20000"
"""

import argparse
import random

from bench.ingest import configure
from bench.results import command_line, record
from bench.server import gunicorn
from bench.wrk import load_average, run, script, spread, verdict

ZIPF_EXPONENT = 1.1  # popularity of the k-th most searched (city, SKU) ~ 1 / k^1.1


def shopper_mix(rng, cities, weights, skus, brand, count):
    """`count` searches by city centre over (city, SKU) pairs ranked by a Zipf law; the
    cities' order follows their population, the SKUs' a random ranking."""
    by_population = sorted(zip(weights, cities, strict=True), key=lambda pair: -pair[0])
    ranked_cities = [city for _weight, city in by_population]
    ranked_skus = rng.sample(skus, len(skus))
    pairs = [(city, sku) for sku in ranked_skus[:200] for city in ranked_cities[:50]]
    rng.shuffle(pairs)
    popularity = [1 / (rank + 1) ** ZIPF_EXPONENT for rank in range(len(pairs))]
    return [
        f"?sku={sku}&brand={brand.slug}&lat={city['latitude']}&lng={city['longitude']}"
        for city, sku in rng.choices(pairs, weights=popularity, k=count)
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--outlets", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", default="8s")
    parser.add_argument("--reuse", action="store_true", help="keep the generated data")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    configure()
    import requests
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)  # hashed names, as in production
    from bench.generate import generated
    from o2o.catalogue.models import Product, Variant
    from o2o.inventory.models import StockLevel

    brand, cities, weights = generated(
        outlets=args.outlets, skus=2000, per_outlet=20, reuse=args.reuse
    )
    level = StockLevel.objects.filter(on_hand__gt=0).select_related("variant").first()
    product = Product.objects.get(pk=level.variant.product_id)
    rng = random.Random(11)
    skus = list(Variant.objects.filter(brand=brand).values_list("sku", flat=True))
    # new points in every round: a search the API answered in an earlier round is cached
    new_searches = [
        script(
            paths=[
                f"?sku={rng.choice(skus)}&brand={brand.slug}"
                f"&lat={city['latitude'] + rng.gauss(0, 0.05):.6f}"
                f"&lng={city['longitude'] + rng.gauss(0, 0.05):.6f}"
                for city in rng.choices(cities, weights=weights, k=40_000)
            ]
        )
        for _round in range(args.rounds + 1)
    ]
    mix = shopper_mix(rng, cities, weights, skus, brand, 40_000)
    shoppers = script(paths=mix)
    plain = script()
    targets = {
        "bare JSON": ("/bench/bare-json/", plain),
        "availability API, shopper mix (Zipf, mostly cached)": ("/api/v1/availability/", shoppers),
        "availability API, new searches": ("/api/v1/availability/", None),
        "same SQL, raw cursor": ("/bench/availability-raw/", None),
        "same endpoint on values()": ("/bench/availability-values/", None),
        "bare page": ("/bench/bare-page/", plain),
        "catalogue page": (f"/{brand.slug}/", plain),
        "product page": (f"/{brand.slug}/{product.slug}/", plain),
    }
    shipped = (
        f"shipped defaults: radius up to {settings.O2O_LOCATOR_MAX_RADIUS_KM:g} km, "
        f"{settings.O2O_LOCATOR_RESULTS} results, KNN {'on' if settings.O2O_LOCATOR_KNN else 'off'}"
        f", cache {settings.O2O_SHOPPER_CACHE_SECONDS} s; changed: the shopper throttle "
        f"(O2O_SHOPPER_RATE 10000000/min, so wrk is not refused); shopper mix: {len(set(mix)):,} "
        f"distinct searches in {len(mix):,} (Zipf exponent {ZIPF_EXPONENT})"
    )
    runs = {name: [] for name in targets}
    load_start = load_average()
    with gunicorn(
        workers=2, DJANGO_SETTINGS_MODULE="bench.site.settings", O2O_SHOPPER_RATE="10000000/min"
    ) as base:
        for path, lua in targets.values():
            probe = path if lua is plain else path + mix[0]
            assert requests.get(base + probe, timeout=10).status_code == 200, probe
        for path, lua in targets.values():  # warm every worker and the cache, not counted
            run(base + path, lua or new_searches[args.rounds], duration="2s")
        order = list(targets)
        for round_number in range(args.rounds):
            rng.shuffle(order)
            for name in order:
                path, lua = targets[name]
                lua = lua or new_searches[round_number]  # None: this round's new searches
                runs[name].append(run(base + path, lua, duration=args.duration))
    load_end = load_average()

    def ratios(numerator, denominator):
        return [
            a.rps / b.rps if a.clean and b.clean else None
            for a, b in zip(runs[numerator], runs[denominator], strict=True)
        ]

    latest = {}

    def summary(label, numerator, denominator, target):
        found = ratios(numerator, denominator)
        counted = [r for r in found if r is not None]
        low, mid, high = spread(counted) if counted else (0, 0, 0)
        goal = f" (goal >= {target:.0%}): **{verdict(found, target)}**" if target else ""
        if target:
            figure = f"{low:.0%} / {mid:.0%} / {high:.0%} (>= {target:.0%})"
            latest[f"{label}, {args.outlets:,} outlets"] = (figure, verdict(found, target))
        return f"{label}: min {low:.0%} / median {mid:.0%} / max {high:.0%}{goal}"

    lines = [
        f"{name}: " + "; ".join(result.describe() for result in results)
        for name, results in runs.items()
    ]
    new = "availability API, new searches"
    lines += [
        summary("T3 new searches / the same SQL, raw", new, "same SQL, raw cursor", 0.65),
        summary(
            "T3 shopper mix / bare JsonResponse",
            "availability API, shopper mix (Zipf, mostly cached)",
            "bare JSON",
            0.25,
        ),
        summary("T4 serializer endpoint / values()", new, "same endpoint on values()", 0.85),
        summary("catalogue page / bare page", "catalogue page", "bare page", None),
        summary("product page / bare page", "product page", "bare page", None),
    ]
    text = (
        f"{args.outlets:,} outlets, gunicorn 2 workers, wrk -t2 -c16 -d{args.duration}, "
        f"{args.rounds} rounds in shuffled order; {shipped}; load average {load_start} at the "
        f"start, {load_end} at the end:\n\n" + "\n".join(f"- {line}" for line in lines)
    )
    print(text)
    if not args.no_record:
        twin = [run.rps for run in runs["same SQL, raw cursor"] if run.clean]
        if twin and args.outlets >= 100_000:  # the 2026-12-01 figure was at 100k outlets
            median_twin = spread(twin)[1]
            latest[f"T3 raw twin >= 3x its 110 req/s, {args.outlets:,} outlets"] = (
                f"{median_twin:,.0f} req/s = {median_twin / 110:.1f}x",
                "holds" if min(twin) >= 330 else ("misses" if max(twin) < 330 else "within noise"),
            )
        record("HTTP throughput", command_line("bench-http"), text, latest=latest)


if __name__ == "__main__":
    main()
