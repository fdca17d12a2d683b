"""T3/T4/T7 over HTTP with wrk against gunicorn (2 workers), side by side in one run:
- the availability API on searches never made before (every request a new point drawn by
  city population, a random SKU: the cache cannot help) vs the same SQL through a raw
  cursor (T3 >= 65 %) and vs the same endpoint built on values() (T4 >= 85 %);
- the availability API on a repeated search (a city-centre search, answered by the cache)
  vs a bare JsonResponse (T3 >= 25 %, stretch 50 %);
- the catalogue and product pages vs a bare template of the same size.
Appends to bench/RESULTS.md.

  make bench-http BENCH_ARGS="--outlets 20000"
"""

import argparse
import random
import re
import subprocess
import tempfile

from bench.ingest import configure
from bench.results import command_line, record
from bench.server import gunicorn

DURATION = "8s"


PERCENTILES = """
function done(summary, latency, requests)
  io.write(string.format("percentiles p50=%d p95=%d\\n",
    latency:percentile(50), latency:percentile(95)))
end
"""

ROTATE = """
local paths = {{paths}}
local thread_count = 0
function setup(thread)
  thread:set("offset", thread_count * math.floor(#paths / 2))
  thread_count = thread_count + 1
end
local counter = 0
function request()
  counter = counter + 1
  return wrk.format("GET", wrk.path .. paths[((offset + counter) % #paths) + 1])
end
"""


def wrk_script(paths=None):
    """A wrk script printing p50/p95; with `paths`, sending each once, the two threads
    from opposite ends of the list."""
    text = PERCENTILES
    if paths:
        text += ROTATE.replace("{paths}", ",".join(f'"{path}"' for path in paths))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(text)
    return script.name


def wrk(url, script):
    out = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{DURATION}", "-s", script, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50, p95 = (int(us) / 1000 for us in re.search(r"p50=(\d+) p95=(\d+)", out).groups())
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, f"p50 {p50:.1f} ms, p95 {p95:.1f} ms", int(errors.group(1)) if errors else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--outlets", type=int, default=20_000)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    configure()
    import requests
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)  # hashed names, as in production
    from bench.generate import generate
    from o2o.catalogue.models import Product, Variant
    from o2o.inventory.models import StockLevel

    brand, cities, weights = generate(outlets=args.outlets, skus=2000, per_outlet=20)
    level = StockLevel.objects.filter(on_hand__gt=0).select_related("outlet", "variant").first()
    variant, outlet = level.variant, level.outlet
    product = Product.objects.get(pk=Variant.objects.get(pk=variant.pk).product_id)
    rng = random.Random(11)
    skus = list(Variant.objects.filter(brand=brand).values_list("sku", flat=True))
    searches = wrk_script(
        [
            f"?sku={rng.choice(skus)}&brand={brand.slug}"
            f"&lat={city['latitude'] + rng.gauss(0, 0.05):.6f}"
            f"&lng={city['longitude'] + rng.gauss(0, 0.05):.6f}"
            for city in rng.choices(cities, weights=weights, k=40_000)
        ]
    )
    repeated = f"?sku={variant.sku}&brand={brand.slug}&lat={outlet.latitude}&lng={outlet.longitude}"
    targets = {
        "bare JSON": ("/bench/bare-json/", None),
        "availability API, repeated search (cached)": ("/api/v1/availability/" + repeated, None),
        "availability API, new searches": ("/api/v1/availability/", searches),
        "same SQL, raw cursor": ("/bench/availability-raw/", searches),
        "same endpoint on values()": ("/bench/availability-values/", searches),
        "bare page": ("/bench/bare-page/", None),
        "catalogue page": (f"/{brand.slug}/", None),
        "product page": (f"/{brand.slug}/{product.slug}/", None),
    }
    results, plain = {}, wrk_script()
    with gunicorn(
        workers=2, DJANGO_SETTINGS_MODULE="bench.site.settings", O2O_SHOPPER_RATE="10000000/min"
    ) as base:
        for name, (path, script) in targets.items():
            probe = path + (repeated if script else "")
            assert requests.get(base + probe, timeout=10).status_code == 200, probe
            results[name] = wrk(base + path, script or plain)
    lines = [
        f"{name}: {rps:,.0f} req/s, {latency}, non-2xx {errors}"
        for name, (rps, latency, errors) in results.items()
    ]
    rps = {name: result[0] for name, result in results.items()}
    new = rps["availability API, new searches"]
    lines += [
        f"T3: new searches = {new / rps['same SQL, raw cursor']:.0%} of the same SQL through a "
        f"raw cursor (goal >= 65 %); a repeated search = "
        f"{rps['availability API, repeated search (cached)'] / rps['bare JSON']:.0%} of a bare "
        f"JsonResponse (goal >= 25 %, stretch and issue goal 50 %); new searches = "
        f"{new / rps['bare JSON']:.0%} of it",
        f"T4: serializer endpoint = {new / rps['same endpoint on values()']:.0%} of the same "
        f"endpoint on values() (goal >= 85 %)",
        f"pages: catalogue = {rps['catalogue page'] / rps['bare page']:.0%} and product = "
        f"{rps['product page'] / rps['bare page']:.0%} of a bare template of the same size "
        f"(issue goal >= 60 %)",
    ]
    text = (
        f"{args.outlets:,} outlets, gunicorn 2 workers, wrk -t2 -c16 -d{DURATION}:\n\n"
        + "\n".join(f"- {line}" for line in lines)
    )
    print(text)
    if not args.no_record:
        record("HTTP throughput", command_line("bench-http"), text)


if __name__ == "__main__":
    main()
