from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

from .models import BackInStockRequest, DemandSignal
from .selectors import stock_near

if TYPE_CHECKING:
    import datetime

    from o2o.catalogue.models import Variant


CELL_DEGREES = 0.05  # ~5 km: coarse enough not to locate a shopper


def _cell(value: Any) -> float:
    return round(round(value / CELL_DEGREES) * CELL_DEGREES, 4)


def record_demand(*, variant: Variant, lat: float, lng: float, results: int) -> Any:
    """Record one search for the brand's unmet-demand view (coarse location only)."""
    return DemandSignal.objects.create(
        brand_id=variant.brand_id,
        variant=variant,
        cell_lat=_cell(lat),
        cell_lng=_cell(lng),
        found=results > 0,
        results=results,
    )


def request_back_in_stock(
    *, variant: Variant, email: str, lat: float, lng: float, place: str, language: str = "en"
) -> Any:
    """Remember that `email` wants `variant` near (lat, lng); one open request per variant."""
    request, _created = BackInStockRequest.objects.update_or_create(
        variant=variant,
        email=email.strip().lower(),
        notified_at=None,
        defaults={
            "latitude": lat,
            "longitude": lng,
            "place": place[:120],
            "radius_km": settings.O2O_LOCATOR_MAX_RADIUS_KM,
            "language": language,
        },
    )
    return request


def notify_back_in_stock() -> int:
    """E-mail the shoppers whose variant is now available near them; returns how many."""
    from o2o.notifications.services import send_back_in_stock

    pending = (
        BackInStockRequest.objects.filter(notified_at__isnull=True)
        .select_related("variant__product__brand")
        .order_by("created_at")[: settings.O2O_BACK_IN_STOCK_BATCH]
    )
    notified = 0
    for request in pending:
        nearby = stock_near(
            variant=request.variant,
            lat=request.latitude,
            lng=request.longitude,
            limit=1,
            max_radius_km=request.radius_km,
        )
        if not nearby:
            continue
        claimed = BackInStockRequest.objects.filter(pk=request.pk, notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
        if claimed:  # exactly one worker sends it
            send_back_in_stock(request=request, nearest=nearby[0])
            notified += 1
    return notified


def prune_demand_signals(*, now: datetime.datetime | None = None) -> int:
    """Shoppers' searches older than O2O_DEMAND_SIGNAL_DAYS, in batches (the dashboard's
    daily figures keep their totals)."""
    from datetime import timedelta

    from o2o.core.db import delete_in_batches

    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.O2O_DEMAND_SIGNAL_DAYS)
    return delete_in_batches(DemandSignal.objects.filter(created_at__lt=cutoff))
