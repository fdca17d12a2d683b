"""T2/T3/T7 over HTTP with wrk against gunicorn (2 workers), side by side in one run:
the availability API vs a bare JsonResponse view, and the catalogue and product pages vs
a bare template of the same size. Appends to bench/RESULTS.md.

  make bench-http BENCH_ARGS="--outlets 20000"
"""

import argparse
import datetime
import re
import subprocess

from bench.ingest import ROOT, configure
from bench.server import gunicorn

DURATION = "8s"


def wrk(url):
    out = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{DURATION}", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p99, int(errors.group(1)) if errors else 0


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

    brand, _cities, _weights = generate(outlets=args.outlets, skus=200, per_outlet=60)
    level = StockLevel.objects.filter(on_hand__gt=0).select_related("outlet", "variant").first()
    variant, outlet = level.variant, level.outlet
    product = Product.objects.get(pk=Variant.objects.get(pk=variant.pk).product_id)
    targets = {
        "bare JSON": "/bench/bare-json/",
        "availability API": f"/api/v1/availability/?sku={variant.sku}&brand={brand.slug}"
        f"&lat={outlet.latitude}&lng={outlet.longitude}",
        "bare page": "/bench/bare-page/",
        "catalogue page": f"/{brand.slug}/",
        "product page": f"/{brand.slug}/{product.slug}/",
    }
    results = {}
    with gunicorn(workers=2, O2O_BENCH_VIEWS="true", O2O_SHOPPER_RATE="10000000/min") as base:
        for name, path in targets.items():
            assert requests.get(base + path, timeout=10).status_code == 200, path
            results[name] = wrk(base + path)
    lines = [
        f"{name}: {rps:,.0f} req/s, p99 {p99}, non-2xx {errors}"
        for name, (rps, p99, errors) in results.items()
    ]
    ratio = results["availability API"][0] / results["bare JSON"][0]
    catalogue = results["catalogue page"][0] / results["bare page"][0]
    product_ratio = results["product page"][0] / results["bare page"][0]
    lines.append(
        f"availability API = {ratio:.0%} of a bare JsonResponse (T3 goal >= 25 %, "
        f"issue goal >= 50 %); catalogue page = {catalogue:.0%} and product page = "
        f"{product_ratio:.0%} of a bare template of the same size (goal >= 60 %)"
    )
    text = (
        f"{args.outlets:,} outlets, gunicorn 2 workers, wrk -t2 -c16 -d{DURATION}:\n\n"
        + "\n".join(f"- {line}" for line in lines)
    )
    print(text)
    if not args.no_record:
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
        command = f'make bench-http BENCH_ARGS="--outlets {args.outlets}"'
        with open(ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as handle:
            handle.write(f"\n## HTTP throughput, {stamp}\n\n`{command}`\n\n{text}\n")


if __name__ == "__main__":
    main()
