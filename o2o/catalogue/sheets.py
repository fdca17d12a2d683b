"""A brand's catalogue as a spreadsheet: exported, edited, imported again. One row per SKU;
the product's columns repeat on each of its rows. An import is checked row by row first
(`preview`, nothing written), then applied by Celery in chunks (`run`), idempotent by SKU: a
row that changes nothing writes nothing, so an export re-imports unchanged. Photos come in a
ZIP beside the sheet, matched by file name (the `images` column)."""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePosixPath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify

from o2o.core.errors import DomainError
from o2o.core.exports import read_safe_cell, safe_rows
from o2o.core.tables import TableError, table_rows

from . import images as photos
from . import services
from .models import (
    RESERVED_CODES,
    Attribute,
    CatalogueImport,
    Category,
    Product,
    ProductImage,
    Variant,
)

COLUMNS = (
    "product",
    "product_slug",
    "category",
    "description",
    "specs",
    "status",
    "publish_at",
    "channels",
    "sku",
    "gtin",
    "price",
    "sale_price",
    "sale_starts",
    "sale_ends",
    "active",
    "images",
)
REQUIRED = ("product", "category", "sku", "price")
ATTRIBUTE = "attribute:"  # a column per attribute code: attribute:storage, attribute:colour…
OLD_COLUMNS = {"colour": "colour", "storage_gb": "storage"}  # sheets from before attributes
PRODUCT_FIELDS = ("product", "product_slug", "category", "description", "specs", "status")
PREVIEW_ROWS = 10
MAX_STORED_ERRORS = 2000
CHUNK = 200
YES, NO = {"", "yes", "y", "true", "1"}, {"no", "n", "false", "0"}


@dataclass
class Row:
    line: int
    product: dict[str, Any] = field(default_factory=dict)
    variant: dict[str, Any] = field(default_factory=dict)
    status: str = ""
    publish_at: datetime.datetime | None = None
    images: list[str] = field(default_factory=list)


# -- export ---------------------------------------------------------------------------------


def export_rows(*, brand: Any) -> Iterator[list[str]]:
    """The header, then one row per SKU of every product of the brand (any status); a
    column per attribute code of the brand's categories, after the GTIN."""
    codes = list(
        dict.fromkeys(
            Attribute.objects.filter(category__brand=brand)
            .order_by("position", "code")
            .values_list("code", flat=True)
        )
    )
    at = COLUMNS.index("gtin") + 1
    yield [*COLUMNS[:at], *(f"{ATTRIBUTE}{code}" for code in codes), *COLUMNS[at:]]
    variants = (
        Variant.objects.filter(brand=brand)
        .select_related("product__category")
        .prefetch_related("product__images")
        .order_by("product__name", "product_id", "sku")
    )
    for variant in variants.iterator(chunk_size=500):
        product = variant.product
        names = [
            image.source_name or PurePosixPath(image.image.name).name
            for image in product.images.all()
            if image.colour.casefold() == variant.value("colour").casefold()
        ]
        yield [
            product.name,
            product.slug,
            product.category.name,
            product.description,
            json.dumps(product.specs, ensure_ascii=False, sort_keys=True) if product.specs else "",
            product.status,
            _iso(product.publish_at),
            product.channels,
            variant.sku,
            variant.gtin or "",
            *(variant.value(code) for code in codes),
            f"{variant.price:.2f}",
            f"{variant.sale_price:.2f}" if variant.sale_price is not None else "",
            _iso(variant.sale_starts_at),
            _iso(variant.sale_ends_at),
            "yes" if variant.is_active else "no",
            "; ".join(names),
        ]


def export_csv(*, brand: Any) -> bytes:
    """Text that could run as a formula in a spreadsheet is quoted (core.exports); the
    import reads it back as it was."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(safe_rows(export_rows(brand=brand)))
    return buffer.getvalue().encode("utf-8-sig")


def export_xlsx(*, brand: Any) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("catalogue")
    for row in safe_rows(export_rows(brand=brand)):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _iso(moment: datetime.datetime | None) -> str:
    return moment.isoformat() if moment else ""


# -- reading and checking -------------------------------------------------------------------


def category_slug(name: str) -> str:
    return slugify(name)[:50] or "catalogue"


def read_rows(import_: CatalogueImport) -> list[tuple[int, dict[str, str]]]:
    with import_.file.open("rb") as handle:
        return [
            (line, {column: read_safe_cell(value) for column, value in raw.items()})
            for line, raw in table_rows(handle, name=import_.file.name, required=REQUIRED)
        ]


def parse(line: int, raw: dict[str, str], *, now: datetime.datetime) -> tuple[Row, list[str]]:
    """A sheet row as the values it asks for, and its problems (empty when it is fine)."""
    problems = [f"{column} is missing" for column in REQUIRED if not raw.get(column)]
    row = Row(line=line)
    name = raw.get("product", "")[:160]
    slug = slugify(raw.get("product_slug") or name)[:180]
    if name and not slug:
        problems.append("product_slug: give one (letters, digits, -)")
    specs: Any = {}
    if raw.get("specs"):
        specs = _specs(raw["specs"])
        if specs is None:
            problems.append('specs: a JSON object, or "Key: value; Key: value"')
    row.product = {
        "name": name,
        "slug": slug,
        "category": raw.get("category", "")[:120],
        "description": raw.get("description", ""),
        "specs": specs or {},
        "channels": raw.get("channels", "").lower(),
    }
    if row.product["channels"] and row.product["channels"] not in Product.Channels.values:
        problems.append(f"channels: one of {', '.join(Product.Channels.values)}")
    row.status = raw.get("status", "").lower()
    if row.status and row.status not in Product.Status.values:
        problems.append(f"status: one of {', '.join(Product.Status.values)}")
    row.publish_at = _moment(raw.get("publish_at", ""), "publish_at", problems)
    if row.status == Product.Status.SCHEDULED and (row.publish_at is None or row.publish_at <= now):
        problems.append("publish_at: a scheduled product needs a time in the future")
    price = _amount(raw.get("price", ""), "price", problems)
    sale = (
        _amount(raw.get("sale_price", ""), "sale_price", problems)
        if raw.get("sale_price")
        else None
    )
    starts = _moment(raw.get("sale_starts", ""), "sale_starts", problems)
    ends = _moment(raw.get("sale_ends", ""), "sale_ends", problems)
    if sale is not None and price is not None and sale >= price:
        problems.append("sale_price: below the price")
    if starts and ends and ends <= starts:
        problems.append("sale_ends: after sale_starts")
    attributes = _attributes(raw, problems)
    gtin = raw.get("gtin", "")
    if gtin and not (gtin.isascii() and gtin.isdigit() and len(gtin) in (8, 12, 13, 14)):
        problems.append("gtin: 8, 12, 13 or 14 digits")
    active = raw.get("active", "").lower()
    if active not in YES | NO:
        problems.append("active: yes or no")
    sku = raw.get("sku", "")
    if len(sku) > 64 or any(ord(c) < 32 for c in sku):
        problems.append("sku: up to 64 printable characters")
    row.variant = {
        "sku": sku,
        "gtin": gtin or None,
        "attributes": attributes,
        "price": price,
        "sale_price": sale,
        "sale_starts_at": starts if sale is not None else None,
        "sale_ends_at": ends if sale is not None else None,
        "is_active": active not in NO,
    }
    row.images = [name.strip() for name in raw.get("images", "").split(";") if name.strip()]
    return row, problems


def _attributes(raw: dict[str, str], problems: list[str]) -> dict[str, str]:
    """The row's attribute values by code (empty cells left out), from the attribute:
    columns and the colour and storage_gb columns of sheets from before attributes."""
    values = {}
    for column, value in raw.items():
        if not column:
            continue
        code = column[len(ATTRIBUTE) :] if column.startswith(ATTRIBUTE) else OLD_COLUMNS.get(column)
        if code is None or not value.strip():
            continue
        if slugify(code) != code or code in RESERVED_CODES or len(code) > 40:
            problems.append(f"{column}: an attribute code is a short slug, e.g. attribute:storage")
        elif len(value) > 60:
            problems.append(f"{column}: at most 60 characters")
        else:
            values[code] = value.strip()
    return values


def _specs(text: str) -> dict | None:
    if text.lstrip().startswith("{"):
        try:
            value = json.loads(text)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None
    pairs = [part.split(":", 1) for part in text.split(";") if part.strip()]
    if any(len(pair) != 2 or not pair[0].strip() for pair in pairs):
        return None
    return {key.strip(): value.strip() for key, value in pairs}


def _amount(text: str, column: str, problems: list[str]) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", ""))
    except (InvalidOperation, ValueError):
        problems.append(f"{column}: a number such as 19999.00")
        return None
    if not value.is_finite() or value < 0 or value >= 10**10:
        problems.append(f"{column}: a number such as 19999.00")
        return None
    return value.quantize(Decimal("0.01"))


def _moment(text: str, column: str, problems: list[str]) -> datetime.datetime | None:
    if not text:
        return None
    try:
        moment = parse_datetime(text.replace(" ", "T", 1) if "T" not in text else text)
    except ValueError:
        moment = None
    if moment is None:
        problems.append(f"{column}: a date and time such as 2027-01-15T10:00+05:30")
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return moment


class Checked:
    """Every row of a sheet parsed and checked against the others and the brand's catalogue."""

    def __init__(self, import_: CatalogueImport, *, now: datetime.datetime):
        self.rows: list[Row] = []
        self.errors: list[dict] = []
        self.total = 0
        raws = read_rows(import_)
        zipped = _zip_names(import_)
        seen_skus: dict[str, int] = {}
        seen_gtins: dict[str, int] = {}
        first_of: dict[str, tuple[int, dict]] = {}
        skus = [raw.get("sku", "") for _line, raw in raws]
        taken_gtins = dict(
            Variant.objects.filter(gtin__in=[r.get("gtin") for _l, r in raws if r.get("gtin")])
            .exclude(brand=import_.brand, sku__in=skus)
            .filter(brand=import_.brand)
            .values_list("gtin", "sku")
        )
        known_codes: dict[str, set[str]] = {}
        for slug, code in Attribute.objects.filter(category__brand=import_.brand).values_list(
            "category__slug", "code"
        ):
            known_codes.setdefault(slug, set()).add(code)
        for line, raw in raws:
            self.total += 1
            row, problems = parse(line, raw, now=now)
            sku = row.variant["sku"]
            if sku in seen_skus:
                problems.append(f"sku {sku} is already on line {seen_skus[sku]}")
            seen_skus.setdefault(sku, line)
            gtin = row.variant["gtin"]
            if gtin and gtin in seen_gtins:
                problems.append(f"gtin is already on line {seen_gtins[gtin]}")
            if gtin:
                seen_gtins.setdefault(gtin, line)
            if row.variant["gtin"] in taken_gtins:
                problems.append(f"gtin is SKU {taken_gtins[row.variant['gtin']]}'s")
            codes = known_codes.get(category_slug(row.product["category"]))
            strangers = sorted(set(row.variant["attributes"]) - codes) if codes else []
            if strangers:  # a category without attributes yet takes the sheet's
                problems.append(
                    f"category {row.product['category']} has no attribute "
                    f"{', '.join(strangers)}: add it to the category, or leave the cell empty"
                )
            slug = row.product["slug"]
            own = {key: raw.get(key, "") for key in PRODUCT_FIELDS}
            if slug in first_of and first_of[slug][1] != own:
                problems.append(f"the product's columns differ from line {first_of[slug][0]}")
            first_of.setdefault(slug, (line, own))
            if zipped is not None:
                missing = [name for name in row.images if name.casefold() not in zipped]
                if missing:
                    problems.append(f"images not in the ZIP: {', '.join(missing)}")
            if problems:
                self.errors.append({"line": line, "sku": sku, "message": "; ".join(problems)})
            else:
                self.rows.append(row)


def _zip_names(import_: CatalogueImport) -> dict[str, str] | None:
    """{lower-case file name: member} of the photos ZIP; None when none came."""
    if not import_.images:
        return None
    try:
        with import_.images.open("rb") as handle, zipfile.ZipFile(handle) as archive:
            return {
                PurePosixPath(member).name.casefold(): member
                for member in archive.namelist()
                if not member.endswith("/") and not PurePosixPath(member).name.startswith(".")
            }
    except zipfile.BadZipFile as exc:
        raise TableError("The photos are not a readable ZIP file.") from exc


def preview(import_: CatalogueImport) -> CatalogueImport:
    """Check every row, write nothing; keep the counts, the errors and a few good rows."""
    try:
        checked = Checked(import_, now=timezone.now())
    except TableError as exc:
        import_.status, import_.message = CatalogueImport.Status.FAILED, str(exc)[:255]
        import_.save()
        return import_
    existing = set(
        Variant.objects.filter(
            brand=import_.brand, sku__in=[r.variant["sku"] for r in checked.rows]
        ).values_list("sku", flat=True)
    )
    import_.rows_total, import_.rows_rejected = checked.total, len(checked.errors)
    import_.errors = checked.errors[:MAX_STORED_ERRORS]
    import_.sample = [
        {
            "line": row.line,
            "product": row.product["name"],
            "sku": row.variant["sku"],
            "price": str(row.variant["price"]),
            "new": row.variant["sku"] not in existing,
        }
        for row in checked.rows[:PREVIEW_ROWS]
    ]
    import_.save()
    return import_


def start(*, import_id: int) -> bool:
    """Queue a previewed import once (a double click starts it once)."""
    from o2o.core.outbox import enqueue_on_commit

    from .tasks import import_catalogue_task

    started = CatalogueImport.objects.filter(
        pk=import_id, status=CatalogueImport.Status.PREVIEW
    ).update(status=CatalogueImport.Status.QUEUED)
    if started:
        enqueue_on_commit(import_catalogue_task, import_id)
    return bool(started)


# -- applying ---------------------------------------------------------------------------------


def run(import_id: int) -> CatalogueImport:
    """Apply the good rows in chunks; progress, counts and refused rows saved as it goes.
    A row that fails while applied (a move the publishing states do not allow) is rolled
    back alone and reported."""
    import_ = CatalogueImport.objects.select_related("brand", "created_by").get(pk=import_id)
    if import_.status not in (CatalogueImport.Status.QUEUED, CatalogueImport.Status.RUNNING):
        return import_
    CatalogueImport.objects.filter(pk=import_id).update(status=CatalogueImport.Status.RUNNING)
    now = timezone.now()
    try:
        checked = Checked(import_, now=now)
    except TableError as exc:
        CatalogueImport.objects.filter(pk=import_id).update(
            status=CatalogueImport.Status.FAILED, message=str(exc)[:255]
        )
        return CatalogueImport.objects.get(pk=import_id)
    applier = _Applier(import_)
    errors, counts = list(checked.errors), {"created": 0, "updated": 0, "unchanged": 0}
    done = len(checked.errors)
    try:
        for start_at in range(0, len(checked.rows), CHUNK):
            with transaction.atomic():
                for row in checked.rows[start_at : start_at + CHUNK]:
                    try:
                        with transaction.atomic():
                            counts[applier.apply(row)] += 1
                    except DomainError as exc:
                        errors.append(
                            {"line": row.line, "sku": row.variant["sku"], "message": exc.message}
                        )
                    except (ValidationError, IntegrityError) as exc:
                        message = "; ".join(getattr(exc, "messages", [])) or (
                            "conflicts with another SKU of the brand (its SKU or GTIN)"
                        )
                        errors.append(
                            {"line": row.line, "sku": row.variant["sku"], "message": message}
                        )
                    done += 1
            CatalogueImport.objects.filter(pk=import_id).update(
                rows_done=done, rows_rejected=len(errors), **counts
            )
    finally:
        applier.close()
    errors.sort(key=lambda error: error["line"])
    CatalogueImport.objects.filter(pk=import_id).update(
        status=CatalogueImport.Status.DONE,
        rows_done=checked.total,
        rows_rejected=len(errors),
        errors=errors[:MAX_STORED_ERRORS],
        **counts,
    )
    return CatalogueImport.objects.get(pk=import_id)


class _Applier:
    def __init__(self, import_: CatalogueImport):
        self.brand, self.user = import_.brand, import_.created_by
        self.categories = {c.slug: c for c in Category.objects.filter(brand=self.brand)}
        self.open_categories: set[str] = set()  # without attributes when the import began
        self.products: dict[str, Product] = {}
        self.archive = None
        self.members = _zip_names(import_) or {}
        if import_.images:
            self.handle = import_.images.open("rb")
            self.archive = zipfile.ZipFile(self.handle)

    def close(self) -> None:
        for slug in self.open_categories:  # attributes added while its rows were applied
            services.refresh_versions(category_id=self.categories[slug].pk)
        if self.archive is not None:
            self.archive.close()
            self.handle.close()

    def apply(self, row: Row) -> str:
        product = self._product(row)
        self._attributes(product.category, list(row.variant["attributes"]))
        variant = Variant.objects.filter(brand=self.brand, sku=row.variant["sku"]).first()
        before = services.snapshot(variant) if variant else {}
        variant = variant or Variant(brand=self.brand)
        variant.product = product
        for name, value in row.variant.items():
            setattr(variant, name, value)
        after = services.snapshot(variant) if variant.pk else None
        outcome = "created" if variant.pk is None else "updated"
        if after == before and variant.pk:
            outcome = "unchanged"
        else:
            variant.full_clean(exclude=["product", "brand"], validate_unique=False)
            variant.save()
            services.record_edit(instance=variant, before=before, user=self.user)
        self._photos(product, row)
        return outcome

    def _product(self, row: Row) -> Product:
        slug = row.product["slug"]
        if slug in self.products:
            return self.products[slug]
        category = self._category(row.product["category"])
        product = Product.objects.filter(brand=self.brand, slug=slug).first()
        before = services.snapshot(product) if product else {}
        product = product or Product(brand=self.brand, slug=slug)
        product.name, product.category = row.product["name"], category
        product.description, product.specs = row.product["description"], row.product["specs"]
        if row.product["channels"]:
            product.channels = row.product["channels"]
        if product.pk is None or services.snapshot(product) != before:
            product.save()
            services.record_edit(instance=product, before=before, user=self.user)
        wanted = row.status or product.status
        moment = row.publish_at if wanted == Product.Status.SCHEDULED else None
        if wanted != product.status or (moment and moment != product.publish_at):
            product = services.change_status(
                product_id=product.pk, status=wanted, publish_at=moment, user=self.user
            )
        self.products[slug] = product
        return product

    def _category(self, name: str) -> Category:
        slug = category_slug(name)
        if slug not in self.categories:
            self.categories[slug], _created = Category.objects.get_or_create(
                brand=self.brand, slug=slug, defaults={"name": name}
            )
        return self.categories[slug]

    def _attributes(self, category: Category, codes: list[str]) -> None:
        """A category that had no attributes when the import began takes the sheet's
        (labels from their codes, to translate in the admin); the check refused codes that
        a category with attributes lacks."""
        have = category.attribute_list()
        if category.slug not in self.open_categories:
            if have:
                return
            self.open_categories.add(category.slug)
        known = {a.code for a in have}
        new = [code for code in codes if code not in known]
        if not new:
            return
        Attribute.objects.bulk_create(
            Attribute(
                category=category,
                code=code,
                label=code.replace("_", " ").replace("-", " ").capitalize(),
                position=len(have) + position,
            )
            for position, code in enumerate(new, start=1)
        )
        del category._attribute_list

    def _photos(self, product: Product, row: Row) -> None:
        if self.archive is None or not row.images:
            return
        have = set(
            ProductImage.objects.filter(product=product).values_list("source_name", flat=True)
        )
        for position, name in enumerate(row.images):
            if name in have:
                continue
            member = self.members[name.casefold()]
            if self.archive.getinfo(member).file_size > photos.MAX_BYTES:  # never unpacked
                raise services.CatalogueError(f"{name}: a photo may be at most 10 MB")
            upload = ContentFile(self.archive.read(member), name=name)
            try:
                photos.validate_photo(upload)
            except ValidationError as exc:
                raise services.CatalogueError(f"{name}: {' '.join(exc.messages)}") from exc
            colour = row.variant["attributes"].get("colour", "")[:40]
            ProductImage.objects.create(
                product=product,
                colour=colour,
                image=upload,
                source_name=name,
                alt_text=f"{product.name} {colour}".strip()[:160],
                position=position,
            )
            have.add(name)
