"""What the feeds say, read from the stock table as a stream: outlets and their stock rows
both in outlet order, merged as they come, so 100,000 outlets × their SKUs are never held in
memory (server-side cursors on PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django_countries import countries

from o2o.brands.models import Brand
from o2o.catalogue.models import Product
from o2o.inventory.models import StockLevel
from o2o.outlets.hours import WeeklyHours
from o2o.outlets.models import Outlet

from . import google
from .models import LocalFeed

CHUNK = 5000


def feed_outlets(*, brand: Brand) -> QuerySet:
    """The brand's partner outlets Google may show: active and authorised for the brand."""
    return Outlet.objects.filter(
        status=Outlet.Status.ACTIVE,
        authorizations__brand=brand,
        authorizations__is_active=True,
    ).order_by("pk")


def store_rows(*, brand: Brand) -> Iterator[tuple[str, ...]]:
    outlets = feed_outlets(brand=brand).values_list(
        "code", "name", "address", "city", "postcode", "country", "latitude", "longitude", "phone"
    )
    for code, name, address, city, postcode, country, lat, lng, phone in outlets.iterator(
        chunk_size=CHUNK
    ):
        place = " ".join(part for part in (city, postcode) if part)
        full = ", ".join(p for p in (address, place, countries.name(country) or country) if p)
        yield tuple(
            google.cell(value)
            for value in (code, name, full, f"{lat:.6f}", f"{lng:.6f}", str(phone or ""))
        )


def inventory_rows(*, brand: Brand) -> Iterator[tuple[str, ...]]:
    """One row per item the brand lists at each of those outlets: units free to reserve
    (on hand less held), the storefront's own low-stock rule, the brand's price."""
    outlets = (
        feed_outlets(brand=brand)
        .values_list("pk", "code", "low_stock_units", "offers_pickup", "weekly_hours")
        .iterator(chunk_size=CHUNK)
    )
    levels = (
        StockLevel.objects.filter(
            outlet__in=feed_outlets(brand=brand).values("pk"),
            variant__brand=brand,
            variant__is_active=True,
            variant__product__status=Product.Status.PUBLISHED,
            variant__product__channels__in=[Product.Channels.SHOPS, Product.Channels.BOTH],
        )
        .order_by("outlet_id", "variant_id")
        .values_list(
            "outlet_id",
            "variant__sku",
            "variant__gtin",
            "variant__price",
            "variant__sale_price",
            "variant__sale_starts_at",
            "variant__sale_ends_at",
            "on_hand",
            "reserved",
        )
        .iterator(chunk_size=CHUNK)
    )
    currency, now = brand.currency, timezone.now()
    level = next(levels, None)
    for pk, code, low, offers_pickup, weekly_hours in outlets:
        method, sla = google.pickup(offers_pickup=offers_pickup, hours=_hours(weekly_hours))
        while level is not None and level[0] < pk:  # an outlet the first query did not see
            level = next(levels, None)
        while level is not None and level[0] == pk:
            _outlet, sku, gtin, price, sale, starts, ends, on_hand, reserved = level
            units = max(on_hand - reserved, 0)
            yield (
                google.cell(code),
                google.cell(sku),
                google.cell(gtin or ""),
                str(units),
                google.price(price, currency),
                *google.sale(sale, starts, ends, currency, now=now),
                google.availability(units, low=low),
                method,
                sla,
            )
            level = next(levels, None)


def _hours(value: Any) -> WeeklyHours:
    try:
        return WeeklyHours.from_json(value)
    except (ValueError, TypeError):
        return WeeklyHours()


def feeds_of(*, brand: Brand) -> dict[str, LocalFeed]:
    return {feed.kind: feed for feed in LocalFeed.objects.filter(brand=brand)}
