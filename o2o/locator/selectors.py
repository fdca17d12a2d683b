"""Finding the nearest outlets that have a variant available."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import F

from o2o.core.geo import bounding_box, haversine_expression
from o2o.inventory.models import StockLevel
from o2o.outlets.models import Outlet


@dataclass(frozen=True)
class NearbyStock:
    outlet: Outlet
    distance_km: float
    available: int


def _stock_within(variant, lat, lng, radius_km, limit):
    min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, radius_km)
    levels = StockLevel.objects.filter(
        variant_id=variant.pk,
        on_hand__gt=F("reserved"),
        outlet__status=Outlet.Status.ACTIVE,
        outlet__authorizations__brand_id=variant.brand_id,
        outlet__authorizations__is_active=True,
        outlet__latitude__range=(min_lat, max_lat),
    )
    if min_lng >= -180 and max_lng <= 180:  # no antimeridian wrap: filter longitude too
        levels = levels.filter(outlet__longitude__range=(min_lng, max_lng))
    return (
        levels.annotate(
            distance_km=haversine_expression(lat, lng, "outlet__latitude", "outlet__longitude"),
            units=F("on_hand") - F("reserved"),
        )
        .filter(distance_km__lte=radius_km)
        .select_related("outlet")
        .order_by("distance_km", "outlet_id")[:limit]
    )


def stock_near(*, variant, lat, lng, limit=None, max_radius_km=None):
    """The nearest active, authorised outlets with `variant` available, closest first.

    Bounding box + haversine in the database, driven by the stock-by-variant index. A
    first query looks within the start radius (dense areas answer there); if fewer than
    `limit` shops are found, one more query covers the maximum radius, so every shop that
    exists within it is found. At most two queries."""
    limit = limit or settings.O2O_LOCATOR_RESULTS
    max_radius = max_radius_km or settings.O2O_LOCATOR_MAX_RADIUS_KM
    found = list(
        _stock_within(
            variant, lat, lng, min(settings.O2O_LOCATOR_START_RADIUS_KM, max_radius), limit
        )
    )
    if len(found) < limit and max_radius > settings.O2O_LOCATOR_START_RADIUS_KM:
        found = list(_stock_within(variant, lat, lng, max_radius, limit))
    return [NearbyStock(level.outlet, level.distance_km, level.units) for level in found]


@dataclass(frozen=True)
class NearbyOutlet:
    outlet: Outlet
    distance_km: float


def outlets_near(*, brand, lat, lng, limit=None):
    """The nearest active outlets authorised for `brand`, whatever their stock."""
    limit = limit or settings.O2O_LOCATOR_RESULTS
    radius = settings.O2O_LOCATOR_START_RADIUS_KM
    while True:
        min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, radius)
        outlets = (
            Outlet.objects.filter(
                status=Outlet.Status.ACTIVE,
                authorizations__brand=brand,
                authorizations__is_active=True,
                latitude__range=(min_lat, max_lat),
                longitude__range=(min_lng, max_lng),
            )
            .annotate(distance_km=haversine_expression(lat, lng))
            .filter(distance_km__lte=radius)
            .order_by("distance_km", "pk")[:limit]
        )
        found = list(outlets)
        if len(found) >= limit or radius >= settings.O2O_LOCATOR_MAX_RADIUS_KM:
            return [NearbyOutlet(outlet, outlet.distance_km) for outlet in found]
        radius = min(radius * 2, settings.O2O_LOCATOR_MAX_RADIUS_KM)


def demand_visible_to(user, signals=None):
    from o2o.core.tenancy import tenancy_of

    from .models import DemandSignal

    signals = DemandSignal.objects.all() if signals is None else signals
    tenancy = tenancy_of(user)
    if tenancy.is_superuser:
        return signals
    return signals.filter(brand_id__in=tenancy.brand_ids)
