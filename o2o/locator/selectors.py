"""Finding the nearest outlets that have a variant available."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, connections, router
from django.db.models import Exists, F, OuterRef
from django.utils.dateparse import parse_datetime

from o2o.catalogue.selectors import shoppable_variants
from o2o.core.generations import remembered, remembered_until_anything_changes
from o2o.core.geo import EARTH_RADIUS_KM, bounding_box, haversine_expression, haversine_sql
from o2o.inventory.models import StockLevel
from o2o.outlets.models import Outlet, OutletAuthorization

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from o2o.brands.models import Brand
    from o2o.catalogue.models import Variant


@dataclass(frozen=True)
class NearbyStock:
    outlet: Outlet
    distance_km: float
    available: int


EVERY_COLUMN = "o.*"  # what an Outlet model is built from (stock_near)
# what a shopper's answer shows (stock_near_rows, the availability API): fewer columns to
# send and parse than every column
ANSWER_COLUMNS = (
    "o.id, o.code, o.name, o.address, o.city, o.latitude, o.longitude, o.stock_synced_at"
)


def stock_within_sql(
    variant: Variant,
    lat: float,
    lng: float,
    radius_km: float,
    limit: int | None,
    columns: str = EVERY_COLUMN,
) -> tuple[str, list]:
    """(sql, params) of the nearest `limit` active, authorised outlets with `variant`
    available within `radius_km`: the outlet's `columns`, `available` and `distance_km`.

    Written as SQL rather than built by the ORM: compiling the ORM's haversine expression
    (twice: select and filter) cost more than running the query (bench/http.py)."""
    min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, radius_km)
    box = "o.latitude BETWEEN %s AND %s"
    params = [min_lat, max_lat]
    if min_lng >= -180 and max_lng <= 180:  # no antimeridian wrap: filter longitude too
        box += " AND o.longitude BETWEEN %s AND %s"
        params += [min_lng, max_lng]
    sql = (  # table names, columns and formulas of this module; every value is a parameter
        f"SELECT * FROM (SELECT {columns}, sl.on_hand - sl.reserved AS available,"  # noqa: S608
        f" {haversine_sql('o.latitude', 'o.longitude')} AS distance_km"
        f" FROM {StockLevel._meta.db_table} sl"
        f" JOIN {Outlet._meta.db_table} o ON o.id = sl.outlet_id"
        f" JOIN {OutletAuthorization._meta.db_table} a ON a.outlet_id = o.id"
        f" WHERE sl.variant_id = %s AND sl.on_hand > sl.reserved"
        f" AND a.brand_id = %s AND a.is_active AND o.status = %s AND {box}) near"
        f" WHERE distance_km <= %s ORDER BY distance_km, id LIMIT %s"
    )
    head = [lat, lat, lng, variant.pk, variant.brand_id, Outlet.Status.ACTIVE.value]
    return sql, [*head, *params, radius_km, limit]


VARIANT_SLICE_DEG = 400.0  # a variant's rows lie in a slice of their own (migration 0007)


def stock_nearest_sql(
    variant: Variant,
    lat: float,
    lng: float,
    radius_km: float,
    limit: int,
    columns: str = EVERY_COLUMN,
) -> tuple[str, list] | None:
    """PostgreSQL: the same answer as `stock_within_sql`, from one GiST index. Stock rows
    carry a point (their outlet's longitude shifted into the variant's own slice, and its
    latitude) and their visibility, kept by the triggers of inventory's migration 0007; a
    box the radius wide in the variant's slice holds exactly that variant's rows near the
    shopper, so the cost follows what is near, not the area's other stock. The `limit`
    nearest by haversine meet the outlets table. None across the antimeridian (a box there
    would need two): the portable path answers."""
    sliced = _slice_box(variant, lat, lng, radius_km)
    if sliced is None:
        return None
    shift, box = sliced
    own = haversine_sql("sl.spot[1]", f"(sl.spot[0] - {shift!r})")
    sql = (  # as above: only the variant's own slice offset (an int) is written in
        f"SELECT * FROM (SELECT {columns}, near.available,"  # noqa: S608
        f" {haversine_sql('o.latitude', 'o.longitude')} AS distance_km"
        f" FROM (SELECT sl.outlet_id, sl.on_hand - sl.reserved AS available, {own} AS km"
        f"  FROM {StockLevel._meta.db_table} sl"
        f"  WHERE sl.shown AND sl.on_hand > sl.reserved"
        f"  AND sl.spot <@ box(point(%s, %s), point(%s, %s))"
        f"  ORDER BY km LIMIT %s) near"
        f" JOIN {Outlet._meta.db_table} o ON o.id = near.outlet_id) found"
        f" WHERE distance_km <= %s ORDER BY distance_km, id"
    )
    return sql, [lat, lat, lng, lat, lat, lng, *box, limit, radius_km]


def _slice_box(
    variant: Variant, lat: float, lng: float, radius_km: float
) -> tuple[float, list[float]] | None:
    """The variant's slice offset and the box the radius wide around the shopper in that
    slice (the corners' longitude, latitude), or None across the antimeridian."""
    min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, radius_km * BOX_MARGIN)
    if min_lng < -180 or max_lng > 180:
        return None
    shift = variant.pk * VARIANT_SLICE_DEG
    return shift, [min_lng + shift, min_lat, max_lng + shift, max_lat]


BOX_MARGIN = 1.001  # float safety at the box's edge; the radius is checked by haversine
KM_PER_DEGREE = math.radians(EARTH_RADIUS_KM)  # haversine_sql's Earth, along a meridian
WALK_SAFETY = 0.999  # the bound's slack for the sphere's curvature within a radius


def stock_walk_sql(
    variant: Variant,
    lat: float,
    lng: float,
    radius_km: float,
    candidates: int,
    columns: str = EVERY_COLUMN,
) -> tuple[str, list] | None:
    """PostgreSQL: the `candidates` rows of `variant` nearest the shopper in the index's
    own order (planar degrees in the variant's slice, `<->`), a walk that reads only those
    rows whatever the area's density, each with `distance_km` (haversine), `planar` and the
    walk's extent (`walked`: rows found, `reach`: the farthest planar distance). Planar
    degrees rank longitude too long, so `proven_nearest` checks that nothing beyond the
    walk can be nearer. None across the antimeridian, as for `stock_nearest_sql`."""
    sliced = _slice_box(variant, lat, lng, radius_km)
    if sliced is None:
        return None
    shift, box = sliced
    sql = (  # as above: only the variant's own slice offset (an int) is written in
        f"SELECT {columns}, near.available, near.planar, near.walked, near.reach,"  # noqa: S608
        f" {haversine_sql('o.latitude', 'o.longitude')} AS distance_km"
        f" FROM (SELECT *, count(*) OVER () AS walked, max(planar) OVER () AS reach"
        f"  FROM (SELECT sl.outlet_id, sl.on_hand - sl.reserved AS available,"
        f"   sl.spot <-> point(%s, %s) AS planar"
        f"   FROM {StockLevel._meta.db_table} sl"
        f"   WHERE sl.shown AND sl.on_hand > sl.reserved"
        f"   AND sl.spot <@ box(point(%s, %s), point(%s, %s))"
        f"   ORDER BY sl.spot <-> point(%s, %s) LIMIT %s) walk) near"
        f" JOIN {Outlet._meta.db_table} o ON o.id = near.outlet_id"
        f" ORDER BY distance_km, o.id"
    )
    here = [lng + shift, lat]
    return sql, [lat, lat, lng, *here, *box, *here, candidates]


def proven_nearest(
    rows: list, *, lat: float, radius_km: float, limit: int, candidates: int
) -> list | None:
    """The nearest `limit` within `radius_km` among a walk's `rows` (closest first), or
    None when a row beyond the walk could still be nearer than the last of them. A row at
    planar distance p (degrees) lies at least KM_PER_DEGREE * cos(the box's highest
    latitude) * p away, so the walk proves its answer once its reach covers the distance
    it must (the limit-th nearest's, or the radius when fewer are within it)."""
    within = [row for row in rows if _field(row, "distance_km") <= radius_km]
    if not rows or len(rows) < candidates:
        return within[:limit]  # the walk ran out of rows in the box: it saw them all
    needed = _field(within[limit - 1], "distance_km") if len(within) >= limit else radius_km
    min_lat, max_lat, _min_lng, _max_lng = bounding_box(lat, 0.0, radius_km * BOX_MARGIN)
    highest = min(90.0, max(abs(min_lat), abs(max_lat)))
    reach = _field(rows[0], "reach")
    covered = WALK_SAFETY * KM_PER_DEGREE * math.cos(math.radians(highest)) * reach
    return within[:limit] if covered > needed else None


def _field(row: Any, name: str) -> Any:
    return row[name] if isinstance(row, dict) else getattr(row, name)


WALK_FIRST = 2  # the first walk reads twice the answer's rows; each retry four times more
WALK_MOST = 512  # past this many rows the box query (stock_nearest_sql) answers


def walk_nearest(
    variant: Variant,
    lat: float,
    lng: float,
    radius_km: float,
    limit: int,
    fetch: Callable,
    columns: str = EVERY_COLUMN,
) -> list | None:
    """PostgreSQL's answer: index-ordered walks, each longer than the last, until one proves
    it (nearly always the first), else the box query; None across the antimeridian."""
    candidates = WALK_FIRST * limit
    while candidates <= WALK_MOST:
        walk = stock_walk_sql(variant, lat, lng, radius_km, candidates, columns)
        if walk is None:
            return None
        found = proven_nearest(
            fetch(*walk), lat=lat, radius_km=radius_km, limit=limit, candidates=candidates
        )
        if found is not None:
            return found
        candidates *= 4
    nearest = stock_nearest_sql(variant, lat, lng, radius_km, limit, columns)
    return None if nearest is None else fetch(*nearest)


def uses_knn() -> bool:
    return connection.vendor == "postgresql" and settings.O2O_LOCATOR_KNN


def _nearest(
    variant: Variant,
    lat: float,
    lng: float,
    limit: int | None,
    max_radius_km: float | None,
    fetch: Callable,
    columns: str,
) -> list:
    """On PostgreSQL one KNN query: the nearest `limit` shops that have it, however far,
    up to the maximum radius. Elsewhere (SQLite) bounding box + haversine, driven by the
    stock-by-variant index: a first query within the start radius (dense areas answer
    there), and one more over the maximum radius when fewer than `limit` were found, so
    every shop within it is found. The two paths give the same answers (tested)."""
    limit = limit or settings.O2O_LOCATOR_RESULTS
    max_radius = max_radius_km or settings.O2O_LOCATOR_MAX_RADIUS_KM
    if uses_knn():
        found = walk_nearest(variant, lat, lng, max_radius, limit, fetch, columns)
        if found is not None:
            return found
    start = min(settings.O2O_LOCATOR_START_RADIUS_KM, max_radius)
    found = fetch(*stock_within_sql(variant, lat, lng, start, limit, columns))
    if len(found) < limit and max_radius > start:
        found = fetch(*stock_within_sql(variant, lat, lng, max_radius, limit, columns))
    return found


def stock_near(
    *,
    variant: Variant,
    lat: float,
    lng: float,
    limit: int | None = None,
    max_radius_km: float | None = None,
) -> list:
    """The nearest active, authorised outlets with `variant` available, closest first."""
    found = _nearest(
        variant,
        lat,
        lng,
        limit,
        max_radius_km,
        lambda *query: list(Outlet.objects.raw(*query)),
        EVERY_COLUMN,
    )
    return [NearbyStock(outlet, outlet.distance_km, outlet.available) for outlet in found]


def stock_near_rows(
    *,
    variant: Variant,
    lat: float,
    lng: float,
    limit: int | None = None,
    max_radius_km: float | None = None,
) -> list:
    """`stock_near` as plain rows (the outlet columns an answer shows, `available`,
    `distance_km`), for the API: serializing rows skips building a model per shop."""
    return _nearest(variant, lat, lng, limit, max_radius_km, _rows, ANSWER_COLUMNS)


def _rows(sql: str, params: list) -> list:
    with connections[router.db_for_read(StockLevel)].cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        rows = [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]
    for row in rows:  # SQLite hands a subquery's timestamps back as text
        if isinstance(row["stock_synced_at"], str):
            parsed = parse_datetime(row["stock_synced_at"])
            row["stock_synced_at"] = parsed.replace(tzinfo=UTC) if parsed else None
    return rows


def variant_fact(*, brand_slug: str, sku: str) -> str:
    """The key under which the variant a search names is remembered."""
    return f"variant:{brand_slug}:{sku}"


def find_searched_variant(*, brand_slug: str, sku: str) -> Variant | None:
    """The shoppable variant of an active brand that a search names (its pk and brand only),
    or None, from the database."""
    return (
        shoppable_variants()
        .filter(sku=sku, brand__slug=brand_slug, brand__is_active=True)
        .only("pk", "brand_id")
        .first()
    )


def searched_variant(*, brand_slug: str, sku: str) -> Variant | None:
    """`find_searched_variant`, cached until the catalogue changes."""
    return remembered_until_anything_changes(
        variant_fact(brand_slug=brand_slug, sku=sku),
        lambda: find_searched_variant(brand_slug=brand_slug, sku=sku),
        timeout=settings.O2O_SHOPPER_FACT_SECONDS,
    )


def cached_stock_near(
    *,
    variant: Variant,
    lat: float,
    lng: float,
    limit: int | None = None,
    max_radius_km: float | None = None,
) -> list:
    """`stock_near` for shoppers' searches: answered from the cache when the same search
    was made since the stock it shows last changed (see core/generations.py). Searches by city
    name share one point, so they share answers."""
    return remembered(
        f"near:{variant.pk}:{float(lat)!r}:{float(lng)!r}:{limit}:{max_radius_km}",
        variant_of=lambda: variant,
        answer=lambda variant: stock_near(
            variant=variant, lat=lat, lng=lng, limit=limit, max_radius_km=max_radius_km
        ),
    )


@dataclass(frozen=True)
class NearbyOutlet:
    outlet: Outlet
    distance_km: float


def outlets_near(*, brand: Brand, lat: float, lng: float, limit: int | None = None) -> list:
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


def demand_visible_to(user: Any, signals: QuerySet | None = None) -> QuerySet:
    from django.db.models import Q

    from o2o.core.tenancy import visible_to

    from .models import DemandSignal

    signals = DemandSignal.objects.all() if signals is None else signals
    return visible_to(user, signals, lambda tenancy: Q(brand_id__in=tenancy.brand_ids))


def products_in_stock_near(lat: float, lng: float, radius_km: float) -> Exists:
    """A condition on products: some active variant has units available at an active,
    authorised outlet within `radius_km` of (lat, lng)."""

    min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, radius_km)
    authorised = OutletAuthorization.objects.filter(
        outlet_id=OuterRef("outlet_id"), brand_id=OuterRef("variant__brand_id"), is_active=True
    )
    levels = (
        StockLevel.objects.filter(
            variant__product_id=OuterRef("pk"),
            variant__is_active=True,
            on_hand__gt=F("reserved"),
            outlet__status=Outlet.Status.ACTIVE,
            outlet__latitude__range=(min_lat, max_lat),
            outlet__longitude__range=(min_lng, max_lng),
        )
        .filter(Exists(authorised))
        .annotate(km=haversine_expression(lat, lng, "outlet__latitude", "outlet__longitude"))
        .filter(km__lte=radius_km)
    )
    return Exists(levels)
