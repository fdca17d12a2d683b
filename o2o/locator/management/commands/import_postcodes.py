"""Import a postcode table: CSV with columns country, postcode, place, latitude, longitude
(GeoNames' postal code dumps converted, or a national table)."""

import csv

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from o2o.locator.models import Postcode


class Command(BaseCommand):
    help = "Import postcodes (country, postcode, place, latitude, longitude) from a CSV file."

    def add_arguments(self, parser):
        parser.add_argument("path")

    @transaction.atomic
    def handle(self, path, **options):
        try:
            handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        rows, bad = [], 0
        with handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                try:
                    rows.append(
                        Postcode(
                            country=row["country"].strip().upper()[:2],
                            code=row["postcode"].strip().upper().replace(" ", "")[:16],
                            place=row.get("place", "").strip()[:120],
                            latitude=float(row["latitude"]),
                            longitude=float(row["longitude"]),
                        )
                    )
                except (KeyError, ValueError, AttributeError):
                    bad += 1
                    self.stderr.write(
                        f"line {line}: skipped (needs country, postcode, latitude, longitude)"
                    )
        Postcode.objects.bulk_create(
            rows,
            batch_size=5000,
            update_conflicts=True,
            unique_fields=["country", "code"],
            update_fields=["place", "latitude", "longitude"],
        )
        self.stdout.write(f"Imported {len(rows)} postcodes ({bad} lines skipped).")
