"""Changes to a brand's catalogue, each with its audit entry (CatalogueChange): publishing
states (draft → scheduled → published → discontinued), sale prices, and the edits brand staff
make in the admin. Shoppers' cached pages are retired by the generation bump each change
makes (locator signals on save; an explicit bump where rows are updated in bulk)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.db import IntegrityError, transaction
from django.db.models import F
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from o2o.core.errors import DomainError
from o2o.core.generations import availability_changed

from .models import CatalogueChange, EShopClicks, EShopListing, Product, Variant

Status = Product.Status

# from -> the states a brand may move a product to by hand
MOVES: dict[str, set[str]] = {
    Status.DRAFT: {Status.SCHEDULED, Status.PUBLISHED},
    Status.SCHEDULED: {Status.DRAFT, Status.PUBLISHED, Status.SCHEDULED},
    Status.PUBLISHED: {Status.DISCONTINUED, Status.DRAFT},
    Status.DISCONTINUED: {Status.PUBLISHED, Status.DRAFT},
}


class CatalogueError(DomainError):
    code = "catalogue_error"
    status = 400


def _record(
    *,
    action: str,
    product: Product | None = None,
    variant: Variant | None = None,
    user: Any = None,
    before: dict | None = None,
    after: dict | None = None,
) -> CatalogueChange:
    brand_id = (product or variant).brand_id  # type: ignore[union-attr]
    return CatalogueChange.objects.create(
        brand_id=brand_id,
        product=product or (variant.product if variant else None),
        variant=variant,
        user=user if getattr(user, "pk", None) else None,
        action=action,
        before=_json(before or {}),
        after=_json(after or {}),
    )


def _json(values: dict) -> dict:
    return {key: None if value is None else str(value) for key, value in values.items()}


@transaction.atomic
def change_status(
    *,
    product_id: int,
    status: str,
    publish_at: datetime.datetime | None = None,
    user: Any = None,
    now: datetime.datetime | None = None,
) -> Product:
    """Move a product to `status` (scheduled needs a future `publish_at`)."""
    now = now or timezone.now()
    product = Product.objects.select_for_update().get(pk=product_id)
    if status not in MOVES.get(product.status, set()):
        raise CatalogueError(
            _("A %(from)s product cannot become %(to)s.")
            % {"from": product.get_status_display(), "to": Status(status).label}
        )
    if status == Status.SCHEDULED and (publish_at is None or publish_at <= now):
        raise CatalogueError(_("Give a publication time in the future."))
    before = {"status": product.status, "publish_at": product.publish_at}
    product.status = status
    product.publish_at = publish_at if status == Status.SCHEDULED else None
    product.save(update_fields=["status", "publish_at", "updated_at"])
    _record(
        action=f"status:{status}",
        product=product,
        user=user,
        before=before,
        after={"status": status, "publish_at": product.publish_at},
    )
    return product


@transaction.atomic
def set_queue(*, product_id: int, until: datetime.datetime | None, user: Any = None) -> Product:
    """Reservations of the product come only through its launch's queue until `until`
    (None: as any other product)."""
    product = Product.objects.select_for_update().get(pk=product_id)
    before = {"queue_until": product.queue_until}
    if before["queue_until"] != until:
        product.queue_until = until
        product.save(update_fields=["queue_until", "updated_at"])
        _record(
            action="queue", product=product, user=user, before=before, after={"queue_until": until}
        )
    return product


def publish_due(*, now: datetime.datetime | None = None) -> int:
    """Beat: publish every scheduled product whose time has come; returns how many."""
    now = now or timezone.now()
    published = 0
    with transaction.atomic():
        due = list(
            Product.objects.select_for_update(skip_locked=True)
            .filter(status=Status.SCHEDULED, publish_at__lte=now)
            .order_by("publish_at", "pk")
        )
        for product in due:
            before = {"status": product.status, "publish_at": product.publish_at}
            Product.objects.filter(pk=product.pk).update(
                status=Status.PUBLISHED, publish_at=None, updated_at=now
            )
            _record(
                action="status:published",
                product=product,
                before=before,
                after={"status": Status.PUBLISHED, "scheduled_for": before["publish_at"]},
            )
            published += 1
        if published:
            availability_changed()
    return published


def sales_turning(*, since: datetime.datetime, now: datetime.datetime) -> int:
    """Beat: the variants whose sale started or ended in (since, now], and the products whose
    launch queue closed. Their cached pages are retired (one bump), so a sale shows and
    stops, and a product becomes reservable in shops, on time on every page."""
    turning = (
        Product.objects.filter(queue_until__gt=since, queue_until__lte=now).count()
        + Variant.objects.filter(
            sale_price__isnull=False, sale_starts_at__gt=since, sale_starts_at__lte=now
        ).count()
        + Variant.objects.filter(
            sale_price__isnull=False, sale_ends_at__gt=since, sale_ends_at__lte=now
        ).count()
    )
    if turning:
        availability_changed()
    return turning


@transaction.atomic
def set_sale(
    *,
    variant_id: int,
    sale_price: Decimal | None,
    starts_at: datetime.datetime | None = None,
    ends_at: datetime.datetime | None = None,
    user: Any = None,
) -> Variant:
    """Put a variant on sale from `starts_at` until `ends_at` (open ends allowed), or end
    its sale (`sale_price` None)."""
    variant = Variant.objects.select_for_update().select_related("product").get(pk=variant_id)
    if sale_price is not None:
        if not Decimal(0) <= sale_price < variant.price:
            raise CatalogueError(_("A sale price is below the price."))
        if starts_at and ends_at and ends_at <= starts_at:
            raise CatalogueError(_("A sale ends after it starts."))
    else:
        starts_at = ends_at = None
    fields = ("sale_price", "sale_starts_at", "sale_ends_at")
    before = {name: getattr(variant, name) for name in fields}
    variant.sale_price, variant.sale_starts_at, variant.sale_ends_at = (
        sale_price,
        starts_at,
        ends_at,
    )
    variant.save(update_fields=[*fields, "updated_at"])
    _record(
        action="sale" if sale_price is not None else "sale:ended",
        variant=variant,
        user=user,
        before=before,
        after={name: getattr(variant, name) for name in fields},
    )
    return variant


AUDITED = {
    Product: ("name", "slug", "category", "description", "specs", "channels"),
    Variant: (
        "sku",
        "gtin",
        "attributes",
        "price",
        "sale_price",
        "sale_starts_at",
        "sale_ends_at",
        "is_active",
    ),
}


def refresh_versions(*, category_id: int) -> int:
    """Name the category's variants again (`Variant.version`) after its attributes changed
    (their order, units, codes); how many changed."""
    from .models import Category

    category = Category.objects.prefetch_related("attributes").get(pk=category_id)
    attributes = category.attribute_list()
    changed = []
    for variant in Variant.objects.filter(product__category_id=category_id).only(
        "pk", "attributes", "version"
    ):
        version = variant.describe(attributes)[:200]
        if version != variant.version:
            variant.version = version
            changed.append(variant)
    Variant.objects.bulk_update(changed, ["version"], batch_size=1000)
    return len(changed)


def snapshot(instance: Product | Variant) -> dict:
    """The audited fields of a product or variant as they are now (before an edit)."""
    if instance.pk is None:
        return {}
    return model_to_dict(instance, fields=AUDITED[type(instance)])


def record_edit(*, instance: Product | Variant, before: dict, user: Any = None) -> None:
    """The audit entry of an edit made in a form (the admin): the fields that changed."""
    after = model_to_dict(instance, fields=AUDITED[type(instance)])
    changed = [name for name in after if before.get(name) != after[name]]
    if not changed:
        return
    kind = "product" if isinstance(instance, Product) else "variant"
    _record(
        action=f"{kind}:{'created' if not before else 'edited'}",
        product=instance if isinstance(instance, Product) else None,
        variant=instance if isinstance(instance, Variant) else None,
        user=user,
        before={name: before.get(name) for name in changed},
        after={name: after[name] for name in changed},
    )


def tracked_url(*, listing: EShopListing) -> str:
    """The listing's URL with its e-shop's tracking parameters added (the listing's own
    query parameters kept; a parameter both give takes the e-shop's value)."""
    parts = urlsplit(listing.url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.update(parse_qsl(listing.eshop.tracking, keep_blank_values=True))
    return urlunsplit(parts._replace(query=urlencode(query)))


def record_click(*, listing: EShopListing, day: datetime.date | None = None) -> None:
    """Count one shopper sent to `listing` today (one row per listing and day)."""
    day = day or timezone.localdate()
    counted = EShopClicks.objects.filter(listing=listing, day=day)
    if counted.update(clicks=F("clicks") + 1):
        return
    try:
        with transaction.atomic():
            EShopClicks.objects.create(
                listing=listing, brand_id=listing.eshop.brand_id, day=day, clicks=1
            )
    except IntegrityError:  # another request created today's row first
        counted.update(clicks=F("clicks") + 1)
