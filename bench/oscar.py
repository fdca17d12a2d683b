"""T7: o2o's catalogue and product pages vs django-oscar's on the same products, served by
the same server with the same settings (gunicorn, 2 workers, production mode, PostgreSQL,
Redis cache), measured with wrk side by side in one run. Oscar runs from its own
virtualenv (.venv-oscar, bench/requirements-oscar.txt; `make bench-oscar` builds it) on
its own database, loaded with o2o's benchmark products by bench/oscar_load.py.
Appends to bench/RESULTS.md.

  make bench-oscar
"""

import argparse
import json
import os
import random
import subprocess
import time

from bench.ingest import ROOT, configure
from bench.results import command_line, record
from bench.server import gunicorn
from bench.wrk import load_average, run, script, spread, verdict

OSCAR_PYTHON = ROOT / ".venv-oscar" / "bin" / "python"
OSCAR_SETTINGS = "bench.oscar_site.settings"


def load_oscar(products):
    """Oscar's shop with these products; returns the URL path of its first product."""
    loaded = subprocess.run(
        [str(OSCAR_PYTHON), "-m", "bench.oscar_load"],
        input=json.dumps(products),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": OSCAR_SETTINGS},
    )
    if loaded.returncode:
        raise SystemExit(f"bench.oscar_load failed:\n{loaded.stderr}")
    return json.loads(loaded.stdout.strip().splitlines()[-1])["first"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--skus", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", default="8s")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    configure()
    import requests
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    from bench.generate import generate
    from o2o.catalogue.models import Product

    brand, _cities, _weights = generate(outlets=1000, skus=args.skus, per_outlet=20)
    products = [
        {
            "name": product.name,
            "slug": product.slug,
            "description": product.description,
            "sku": product.variants.order_by("price").first().sku,
            "price": str(product.variants.order_by("price").first().price),
        }
        for product in Product.objects.filter(brand=brand).order_by("name")
    ]
    oscar_product = load_oscar(products)
    first = Product.objects.filter(brand=brand).order_by("pk").first()
    plain = script()
    load_start = load_average()
    ours = {"catalogue": f"/{brand.slug}/", "product": f"/{brand.slug}/{first.slug}/"}
    theirs = {"catalogue": "/catalogue/", "product": oscar_product}
    runs = {}  # name -> [Run per round]
    with (
        gunicorn(workers=2, O2O_SHOPPER_CACHE_SECONDS="0") as uncached,
        gunicorn(workers=2, O2O_SHOPPER_CACHE_SECONDS="60") as cached,
        gunicorn(
            workers=2,
            python=str(OSCAR_PYTHON),
            app="bench.oscar_site.wsgi:application",
            PYTHONPATH=str(ROOT),
            DJANGO_SETTINGS_MODULE=OSCAR_SETTINGS,
            OSCAR_DATABASE_URL=os.environ["OSCAR_DATABASE_URL"],
            PYTHONWARNINGS="ignore",  # Whoosh warns on every search that it has no facets
        ) as oscar,
    ):
        listing = requests.get(oscar + "/catalogue/", timeout=30)
        assert listing.text.count("product_pod") == 24, "Oscar lists a page of products"
        targets = {}
        for page in ("catalogue", "product"):
            targets[f"o2o {page} page, cache off"] = uncached + ours[page]
            targets[f"o2o {page} page, cached"] = cached + ours[page]
            targets[f"Oscar {page} page"] = oscar + theirs[page]
        for url in targets.values():  # each server warmed, not counted
            assert requests.get(url, timeout=30).status_code == 200, url
            run(url, plain, duration="2s")
        order, shuffle = list(targets), random.Random(5).shuffle
        for _round in range(args.rounds):  # the three servers' runs alternate
            shuffle(order)
            for name in order:
                result = run(targets[name], plain, duration=args.duration)
                runs.setdefault(name, []).append(result)
                time.sleep(1 + result.p95_ms / 1000)  # its last requests finish before the next run
    load_end = load_average()
    lines = [
        f"{name}: " + "; ".join(result.describe() for result in results)
        for name, results in sorted(runs.items())
    ]

    def times(page, label):
        pairs = zip(runs[f"o2o {page} page, {label}"], runs[f"Oscar {page} page"], strict=True)
        return [a.rps / b.rps if a.clean and b.clean else None for a, b in pairs]

    latest = {}
    for page in ("catalogue", "product"):
        uncached_ratios, cached_ratios = times(page, "cache off"), times(page, "cached")
        counted = [r for r in uncached_ratios if r is not None]
        low, mid, high = spread(counted) if counted else (0, 0, 0)
        figure = f"{low:.1f}x / {mid:.1f}x / {high:.1f}x (>= 1.5x)"
        found = verdict(uncached_ratios, 1.5)
        latest[f"T7 {page} page, o2o's cache off / Oscar"] = (figure, found)
        secondary = [r for r in cached_ratios if r is not None]
        lines.append(
            f"T7 {page} page, o2o's cache off / Oscar: min / median / max {figure}: **{found}**;"
            f" with o2o's cache (secondary): median "
            + (f"{spread(secondary)[1]:.1f}x" if secondary else "not counted")
        )
    text = (
        f"{len(products)} products, django-oscar 4.2.1 with its default templates in its best "
        f"offline configuration (Oscar 4 browses its catalogue through a Haystack search view;"
        f" Whoosh is its one backend that needs no server; Haystack's simple backend lists "
        f"nothing there), "
        f"each on gunicorn 2 workers (the three servers up at once, their runs alternating in a "
        f"shuffled order over {args.rounds} rounds), PostgreSQL, Redis cache, wrk -t2 -c16 "
        f"-d{args.duration} --timeout 10s;"
        f" load average {load_start} at the start, {load_end} at the end:\n\n"
        + "\n".join(f"- {line}" for line in lines)
    )
    print(text)
    if not args.no_record:
        record(
            "T7 catalogue pages vs django-oscar", command_line("bench-oscar"), text, latest=latest
        )


if __name__ == "__main__":
    main()
