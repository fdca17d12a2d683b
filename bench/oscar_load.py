"""Loads o2o's benchmark products into the reference Oscar shop (runs in .venv-oscar):
one standalone product per o2o product, same name, slug and starting price, one category,
one partner with stock. Reads the products as JSON on stdin."""

import json
import os
import sys
from decimal import Decimal


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.oscar_site.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from oscar.core.loading import get_model

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    product_model = get_model("catalogue", "Product")
    product_class_model = get_model("catalogue", "ProductClass")
    category_model = get_model("catalogue", "Category")
    product_category_model = get_model("catalogue", "ProductCategory")
    partner_model = get_model("partner", "Partner")
    stock_record_model = get_model("partner", "StockRecord")

    product_model.objects.all().delete()
    category_model.objects.all().delete()
    product_class, _ = product_class_model.objects.get_or_create(
        name="Phones", defaults={"track_stock": True}
    )
    category = category_model.add_root(name="Phones", slug="phones")
    partner, _ = partner_model.objects.get_or_create(name="Partner shops")
    for row in json.load(sys.stdin):
        product = product_model.objects.create(
            product_class=product_class,
            structure=product_model.STANDALONE,
            title=row["name"],
            slug=row["slug"],
            description=row["description"],
            is_public=True,
        )
        product_category_model.objects.create(product=product, category=category)
        stock_record_model.objects.create(
            product=product,
            partner=partner,
            partner_sku=row["sku"],
            price=Decimal(row["price"]),
            price_currency="INR",
            num_in_stock=10,
        )
    call_command("rebuild_index", "--noinput", verbosity=0)
    first = product_model.objects.order_by("pk").first()
    print(
        json.dumps({"products": product_model.objects.count(), "first": first.get_absolute_url()})
    )


if __name__ == "__main__":
    main()
