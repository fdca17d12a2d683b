"""The brand dashboard's reads: only roll-ups (and the network's own outlet list)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Sum
from django.utils import timezone

from o2o.catalogue.models import EShopClicks
from o2o.core.tenancy import tenancy_of
from o2o.locator.geocoding import nearest_city
from o2o.outlets.models import Outlet

from .models import DailyBrandFigures, DailyOutletFigures, DailyProductFigures, UnmetDemandCell

if TYPE_CHECKING:
    from o2o.brands.models import Brand


TOP = 10
UNMET_CELLS = 300


def brand_for_staff(user: Any, brand: Brand) -> bool:
    """Whether `user` may see `brand`'s dashboard."""
    tenancy = tenancy_of(user)
    return tenancy.is_superuser or brand.pk in tenancy.brand_ids


def dashboard(*, brand: Brand, days: int = 30, today: datetime.date | None = None) -> dict:
    today = today or timezone.now().date()
    since = today - datetime.timedelta(days=days - 1)
    daily = list(DailyBrandFigures.objects.filter(brand=brand, day__gte=since, day__lte=today))
    totals = {
        field: sum(getattr(row, field) for row in daily)
        for field in (
            "searches",
            "searches_unmet",
            "reservations",
            "collected",
            "collected_units",
            "revenue",
        )
    }
    latest = daily[-1] if daily else None
    period = {"brand": brand, "day__gte": since, "day__lte": today}
    return {
        "since": since,
        "today": today,
        "daily": daily,
        "totals": totals,
        "conversion": {
            "search_to_reservation": _ratio(totals["reservations"], totals["searches"]),
            "reservation_to_collected": _ratio(totals["collected"], totals["reservations"]),
        },
        "stock_outs": latest.stock_outs if latest else 0,
        "outlets_active": latest.outlets_active if latest else 0,
        "top_outlets": list(
            DailyOutletFigures.objects.filter(**period)
            .values("outlet__code", "outlet__name", "outlet__city")
            .annotate(
                reservations=Sum("reservations"), collected=Sum("collected"), revenue=Sum("revenue")
            )
            .order_by("-collected", "-reservations")[:TOP]
        ),
        "top_products": list(
            DailyProductFigures.objects.filter(**period)
            .values("product__name")
            .annotate(reservations=Sum("reservations"), units=Sum("collected_units"))
            .order_by("-units", "-reservations")[:TOP]
        ),
        "eshop_clicks": list(
            EShopClicks.objects.filter(**period)
            .values("listing__eshop__name")
            .annotate(clicks=Sum("clicks"))
            .order_by("-clicks", "listing__eshop__name")[:TOP]
        ),
        "unmet": list(
            UnmetDemandCell.objects.filter(**period)
            .values("cell_lat", "cell_lng", "variant__sku", "variant__product__name")
            .annotate(searches=Sum("searches"))
            .order_by("-searches")[:UNMET_CELLS]
        ),
    }


def name_places(cells: list, *, language: str) -> list:
    """Give each unmet-demand cell the place people know it by: the nearest city, in
    `language`'s script where GeoNames has it, else its coordinates."""
    for cell in cells:
        cell["place"] = nearest_city(cell["cell_lat"], cell["cell_lng"], language=language) or (
            f"{cell['cell_lat']:.2f}, {cell['cell_lng']:.2f}"
        )
    return cells


def coverage(*, brand: Brand) -> list:
    """The brand's active, authorised outlets as map points."""
    return list(
        Outlet.objects.filter(
            status=Outlet.Status.ACTIVE, authorizations__brand=brand, authorizations__is_active=True
        ).values("latitude", "longitude", "name")
    )


def _ratio(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole else None
