"""Catalogue by spreadsheet at a brand's real size: a sheet of 2,000 SKUs (250 products of
eight variants), checked (`sheets.preview`) and applied (`sheets.run`, what the Celery task
runs) on PostgreSQL: the first import (everything created), the same sheet again (nothing
changes) and one with every price changed. Goal (issue 17): 2,000 SKUs well under a minute.

  make bench-catalogue BENCH_ARGS="--skus 2000"
"""

import argparse
import csv
import io
import time

from bench.ingest import configure
from bench.results import command_line, record


def sheet(skus, *, bump=0):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    from o2o.catalogue.sheets import COLUMNS

    columns = [*COLUMNS[:10], "attribute:storage", "attribute:colour", *COLUMNS[10:]]
    writer.writerow(columns)
    for index in range(skus):
        product = index // 8
        values = {
            "product": f"Model {product}",
            "product_slug": f"model-{product}",
            "category": ("Phones", "Tablets", "TVs")[product % 3],
            "description": f"Model {product}, the bench's.",
            "specs": "Display: 6.5-inch; Battery: 5000 mAh",
            "status": "published",
            "channels": "shops",
            "sku": f"CAT-{index:05d}",
            "gtin": f"{8900000000000 + index}",
            "attribute:colour": ("Black", "Blue", "Green", "Gold")[index % 4],
            "attribute:storage": str((64, 128)[index % 8 // 4]),
            "price": f"{9999 + index + bump}.00",
            "active": "yes",
        }
        writer.writerow([values.get(column, "") for column in columns])
    return buffer.getvalue().encode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--skus", type=int, default=2000)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    configure()
    from django.core.files.base import ContentFile
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from o2o.brands.models import Brand
    from o2o.catalogue import sheets
    from o2o.catalogue.models import CatalogueImport, Product

    Brand.objects.filter(slug="sheet-bench").delete()
    brand = Brand.objects.create(name="Sheet Bench", slug="sheet-bench", currency="INR")

    def timed_import(content):
        import_ = CatalogueImport.objects.create(brand=brand)
        import_.file.save("bench.csv", ContentFile(content))
        start = time.perf_counter()
        sheets.preview(import_)
        checked = time.perf_counter() - start
        sheets.start(import_id=import_.pk)  # outside a transaction: queued at once
        start = time.perf_counter()
        done = sheets.run(import_.pk)
        applied = time.perf_counter() - start
        assert done.status == "done", done.message
        assert done.rows_rejected == 0, done.errors[:3]
        return checked, applied, done

    lines = []
    for label, content in (
        ("first import (all created)", sheet(args.skus)),
        ("the same sheet again (unchanged)", sheet(args.skus)),
        ("every price changed", sheet(args.skus, bump=100)),
    ):
        checked, applied, done = timed_import(content)
        lines.append(
            f"{label}: checked in {checked:.1f} s, applied in {applied:.1f} s "
            f"({args.skus / (checked + applied):,.0f} SKUs/s); created {done.created}, "
            f"changed {done.updated}, unchanged {done.unchanged}"
        )
    products = Product.objects.filter(brand=brand).count()
    lines.append(f"{products} products, {args.skus:,} SKUs; goal: well under a minute")
    text = "\n".join(f"- {line}" for line in lines)
    print(text)
    if not args.no_record:
        record("Catalogue by spreadsheet", command_line("bench-catalogue"), text)


if __name__ == "__main__":
    main()
