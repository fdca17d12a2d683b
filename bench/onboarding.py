"""T8: 5,000 outlets imported from a CSV through the bulk onboarding path (preview, then the
Celery task's work, run in-process), on PostgreSQL. Appends to bench/RESULTS.md.

  BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/o2o_bench \\
  BENCH_REDIS_URL=redis://127.0.0.1:6379/14 python -m bench.onboarding --outlets 5000
"""

import argparse
import random
import tempfile
import time

from bench.ingest import configure
from bench.results import command_line, record


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--outlets", type=int, default=5000)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    configure()

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from bench import scale
    from o2o.brands.models import Brand
    from o2o.outlets import imports
    from o2o.outlets.models import Outlet, OutletImport

    call_command("migrate", verbosity=0)
    scale.reset()
    from django.conf import settings

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="o2o-bench-")
    brand = Brand.objects.create(name="Bench", slug="bench", currency="INR")
    rng = random.Random(8)
    lines = [
        "outlet_code,name,address,city,postcode,country,latitude,longitude,phone,"
        "retailer,retailer_email,tax_id"
    ]
    for i in range(args.outlets):
        lines.append(
            f"t8-{i:06d},Shop {i},{i} Main Road,Pune,411001,IN,"
            f"{18 + rng.random():.5f},{73 + rng.random():.5f},+91 90000 {i % 99999:05d},"
            f"Chain {i % 400},chain{i % 400}@example.com,"
        )
    upload = SimpleUploadedFile("outlets.csv", ("\n".join(lines) + "\n").encode())
    import_ = OutletImport.objects.create(brand=brand, file=upload)
    start = time.perf_counter()
    imports.preview(import_)
    previewed = time.perf_counter() - start
    OutletImport.objects.filter(pk=import_.pk).update(status=OutletImport.Status.QUEUED)
    start = time.perf_counter()
    imports.run(import_.pk)
    imported = time.perf_counter() - start
    import_.refresh_from_db()
    assert import_.outlets_created == args.outlets, import_.outlets_created
    assert Outlet.objects.filter(code__startswith="t8-").count() == args.outlets
    from django.conf import settings

    text = (
        f"shipped settings (O2O_OUTLET_IMPORT_CHUNK={settings.O2O_OUTLET_IMPORT_CHUNK}); "
        f"{args.outlets:,} outlets: preview {previewed:.2f} s, import {imported:.2f} s "
        f"({args.outlets / imported:,.0f} outlets/s), total {previewed + imported:.1f} s "
        f"(target < 20 s)"
    )
    print(text)
    if not args.no_record:
        total = previewed + imported
        record(
            "T8 outlet onboarding",
            command_line("bench-onboarding"),
            text,
            latest={
                "T8 5,000 outlets imported": (
                    f"{total:.1f} s (< 20 s)",
                    "holds" if total < 20 else "misses",
                )
            },
        )


if __name__ == "__main__":
    main()
