from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from o2o.core.statements import PreparedLookup

from .models import Launch


def _launches(*, brand: str, product: str) -> QuerySet:
    return Launch.objects.filter(brand__slug=brand, brand__is_active=True, product__slug=product)


# the launch's own row by its slugs (the queue's API, on every join, poll and reservation)
_LEAN = PreparedLookup(_launches)
_WHOLE = PreparedLookup(lambda **slugs: _launches(**slugs).select_related("product", "brand"))


def launch_for_shopper(*, brand_slug: str, product_slug: str, lean: bool = False) -> Launch | None:
    """The launch of an active brand's product, with its product and brand; `lean`: the
    launch's own row only. One statement compiled once."""
    return (_LEAN if lean else _WHOLE).first(brand=brand_slug, product=product_slug)


@dataclass(frozen=True)
class LaunchShop:
    """An outlet with units of a launch left: its code, name, city and units `left`."""

    code: str
    name: str
    city: str
    left: int


def launch_shops(*, launch: Launch) -> list[LaunchShop]:
    """The active outlets that still have units put aside for `launch`, by city and name
    (one query; hundreds of shops, asked by every shopper whose shop ran out: no models)."""
    from django.db.models import F

    from o2o.outlets.models import Outlet

    from .models import LaunchAllocation

    rows = (
        LaunchAllocation.objects.filter(
            launch=launch, outlet__status=Outlet.Status.ACTIVE, taken__lt=F("units")
        )
        .order_by("outlet__city", "outlet__name")
        .values_list("outlet__code", "outlet__name", "outlet__city", F("units") - F("taken"))
    )
    return [LaunchShop(*row) for row in rows]


def launch_variants(*, launch: Launch) -> list[Any]:
    return list(launch.product.variants.filter(is_active=True).order_by("price", "sku"))


def launches_visible_to(user: Any, launches: QuerySet | None = None) -> QuerySet:
    from o2o.core.tenancy import visible_to

    launches = Launch.objects.all() if launches is None else launches
    return visible_to(user, launches, lambda tenancy: Q(brand_id__in=tenancy.brand_ids))


LAUNCHES_SHOWN = 5
OUTLETS_SHOWN = 10


def launch_figures(*, brand: Any) -> list[dict[str, Any]]:
    """The brand's latest launches: each `launch` with `interested` and `told` (shoppers
    who registered, and those already told), its units `reserved` (held or collected, since
    the start) and `collected`, `outlets`: those figures per outlet, most reserved first,
    `waiting` in its queue now and `samples`: the queue over time (at most SAMPLES_SHOWN
    minutes, evenly picked). Three queries whatever the number of launches and outlets."""
    from django.db.models import Count, F, Sum

    from o2o.reservations.models import Reservation, ReservationLine

    launches = list(
        Launch.objects.filter(brand=brand)
        .select_related("product")
        .annotate(
            interested=Count("interests", distinct=True),
            told=Count("interests", filter=Q(interests__notified_at__isnull=False), distinct=True),
        )
        .order_by("-starts_at")[:LAUNCHES_SHOWN]
    )
    gone = [Reservation.Status.CANCELLED, Reservation.Status.DECLINED, Reservation.Status.EXPIRED]
    rows = (
        ReservationLine.objects.filter(
            variant__product__launch__in=launches,
            reservation__created_at__gte=F("variant__product__launch__starts_at"),
        )
        .values("variant__product_id", "reservation__outlet__code", "reservation__outlet__name")
        .annotate(
            reserved=Sum("quantity", filter=~Q(reservation__status__in=gone)),
            collected=Sum("quantity", filter=Q(reservation__status=Reservation.Status.COLLECTED)),
        )
        .order_by("variant__product_id", "-reserved", "reservation__outlet__code")
    )
    by_product: dict[int, list[Any]] = {}
    for row in rows:
        by_product.setdefault(row["variant__product_id"], []).append(row)
    samples = _queue_samples(launches)
    figures = []
    for launch in launches:
        outlets = by_product.get(launch.product_id, [])
        figures.append(
            {
                "launch": launch,
                "interested": launch.interested,
                "told": launch.told,
                "reserved": sum(row["reserved"] or 0 for row in outlets),
                "collected": sum(row["collected"] or 0 for row in outlets),
                "outlets": outlets[:OUTLETS_SHOWN],
                "waiting": launch.tickets_issued - launch.admitted_through,
                "samples": samples.get(launch.pk, []),
            }
        )
    return figures


SAMPLES_SHOWN = 24


def _queue_samples(launches: Sequence[Launch]) -> dict[int, list[Any]]:
    from .models import QueueSample

    by_launch: dict[int, list[Any]] = {}
    for sample in QueueSample.objects.filter(launch__in=launches).order_by("launch", "at"):
        by_launch.setdefault(sample.launch_id, []).append(sample)
    for launch_id, samples in by_launch.items():
        if len(samples) > SAMPLES_SHOWN:
            step = len(samples) / SAMPLES_SHOWN
            picked = [samples[int(i * step)] for i in range(SAMPLES_SHOWN - 1)]
            by_launch[launch_id] = [*picked, samples[-1]]
    return by_launch
