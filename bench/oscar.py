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

from bench.http import wrk, wrk_script
from bench.ingest import ROOT, configure
from bench.results import command_line, record
from bench.server import gunicorn

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
    plain = wrk_script()
    results = {}
    pages = (("catalogue", f"/{brand.slug}/"), ("product", f"/{brand.slug}/{first.slug}/"))
    for label, cache_seconds in (("", "60"), (", cache off", "0")):
        with gunicorn(workers=2, O2O_SHOPPER_CACHE_SECONDS=cache_seconds) as base:
            for name, path in pages:
                assert requests.get(base + path, timeout=10).status_code == 200, path
                results[f"o2o {name} page{label}"] = wrk(base + path, plain)
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
            results[f"Oscar {name} page"] = wrk(base + path, plain)
    lines = [
        f"{name}: {rps:,.0f} req/s, {latency}, non-2xx {errors}"
        for name, (rps, latency, errors) in results.items()
    ]
    for page in ("catalogue", "product"):
        oscar = results[f"Oscar {page} page"][0]
        ratio = results[f"o2o {page} page"][0] / oscar
        uncached = results[f"o2o {page} page, cache off"][0] / oscar
        lines.append(
            f"T7 {page} page: o2o = {ratio:.1f}x Oscar's (goal >= 1.5x); with o2o's cache off "
            f"{uncached:.1f}x"
        )
    text = (
        f"{len(products)} products, django-oscar 4.2.1 with its default templates and its "
        f"offline search backend (Whoosh: Oscar browses its catalogue through a search index), "
        f"both on gunicorn 2 workers, PostgreSQL, Redis cache, wrk -t2 -c16:\n\n"
        + "\n".join(f"- {line}" for line in lines)
    )
    print(text)
    if not args.no_record:
        record("T7 catalogue pages vs django-oscar", command_line("bench-oscar"), text)


if __name__ == "__main__":
    main()
