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
import subprocess

from bench.ingest import ROOT, configure
from bench.results import command_line, record
from bench.server import gunicorn
from bench.wrk import load_average, run, script

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
    results = {}
    load_start = load_average()
    pages = (("catalogue", f"/{brand.slug}/"), ("product", f"/{brand.slug}/{first.slug}/"))
    for label, cache_seconds in ((", cache off", "0"), (", cached", "60")):
        with gunicorn(workers=2, O2O_SHOPPER_CACHE_SECONDS=cache_seconds) as base:
            for name, path in pages:
                assert requests.get(base + path, timeout=10).status_code == 200, path
                results[f"o2o {name} page{label}"] = run(base + path, plain)
    with gunicorn(
        workers=2,
        python=str(OSCAR_PYTHON),
        app="bench.oscar_site.wsgi:application",
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE=OSCAR_SETTINGS,
        OSCAR_DATABASE_URL=os.environ["OSCAR_DATABASE_URL"],
        PYTHONWARNINGS="ignore",  # Whoosh warns on every search that it has no facets
    ) as base:
        listing = requests.get(base + "/catalogue/", timeout=30)
        assert listing.text.count("product_pod") == 24, "Oscar lists a page of products"
        for name, path in (("catalogue", "/catalogue/"), ("product", oscar_product)):
            assert requests.get(base + path, timeout=30).status_code == 200, path
            results[f"Oscar {name} page"] = run(base + path, plain)
    load_end = load_average()
    lines = [f"{name}: {result.describe()}" for name, result in results.items()]

    def times(page, label):
        ours, oscar = results[f"o2o {page} page, {label}"], results[f"Oscar {page} page"]
        if not (ours.clean and oscar.clean):
            return None
        return ours.rps / oscar.rps

    latest = {}
    for page in ("catalogue", "product"):
        uncached, cached = times(page, "cache off"), times(page, "cached")
        if uncached is None:
            lines.append(f"T7 {page} page: **not counted** (a run had errors)")
            latest[f"T7 {page} page, o2o's cache off / Oscar"] = ("errors", "not counted")
            continue
        latest[f"T7 {page} page, o2o's cache off / Oscar"] = (
            f"{uncached:.1f}x (>= 1.5x)",
            "holds" if uncached >= 1.5 else "misses",
        )
        lines.append(
            f"T7 {page} page, o2o's cache off: {uncached:.1f}x Oscar's (goal >= 1.5x): "
            f"**{'holds' if uncached >= 1.5 else 'misses'}**; with o2o's cache (secondary) "
            + (f"{cached:.1f}x" if cached is not None else "not counted")
        )
    text = (
        f"{len(products)} products, django-oscar 4.2.1 with its default templates in its best "
        f"offline configuration (Oscar 4 browses its catalogue through a Haystack search view;"
        f" Whoosh is its one backend that needs no server; Haystack's simple backend lists "
        f"nothing there), "
        f"both on gunicorn 2 workers, PostgreSQL, Redis cache, wrk -t2 -c16 -d8s --timeout 10s;"
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
