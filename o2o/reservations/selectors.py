from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, prefetch_related_objects

from o2o.catalogue.selectors import variant_lookup
from o2o.core.statements import first_of_each
from o2o.outlets.selectors import outlet_lookup

from .models import Reservation, ReservationLine

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from o2o.catalogue.models import Variant
    from o2o.outlets.models import Outlet


def variant_and_outlet(
    *, brand_slug: str, sku: str, outlet_code: str, product_slug: str | None = None
) -> tuple[Variant | None, Outlet | None]:
    """What a reservation names: the variant (as catalogue's `variant_by_sku`, with its
    product and brand) and the outlet (as outlets' `outlet_by_code`), each None if not
    found, read in one statement: it runs on every reservation."""
    variant, outlet = first_of_each(
        variant_lookup(brand_slug=brand_slug, sku=sku, product_slug=product_slug),
        outlet_lookup(code=outlet_code),
    )
    return variant, outlet


def reservation_for_shopper(*, code: str, email: str) -> Reservation | None:
    """The reservation with this code and e-mail, or None."""
    return (
        Reservation.objects.filter(code=code.strip().upper(), shopper_email__iexact=email.strip())
        .select_related("outlet", "brand")
        .first()
    )


def reservation_detail(*, code: str) -> Reservation | None:
    return (
        Reservation.objects.select_related("outlet", "brand")
        .prefetch_related("lines__variant__product", "events")
        .filter(code=code)
        .first()
    )


def reservation_receipt(*, reservation: Reservation) -> Reservation:
    """A reservation just made, with what its receipt shows (its lines and their SKUs) read
    in one query unless `reserve` kept them; its outlet is the one it was made at."""
    lines = Prefetch("lines", queryset=ReservationLine.objects.select_related("variant"))
    prefetch_related_objects([reservation], lines)
    return reservation


def reservations_visible_to(user: Any, reservations: QuerySet | None = None) -> QuerySet:
    """Reservations at own outlets; for brand staff, their brand's reservations."""
    from django.db.models import Q

    from o2o.core.tenancy import visible_to

    reservations = Reservation.objects.all() if reservations is None else reservations
    return visible_to(
        user,
        reservations,
        lambda tenancy: (
            Q(outlet__retailer_id__in=tenancy.retailer_ids) | Q(brand_id__in=tenancy.brand_ids)
        ),
    )


def reservations_of_shopper(user: Any) -> QuerySet:
    """A signed-in shopper's reservations, newest first."""
    return Reservation.objects.filter(shopper=user).select_related("outlet").order_by("-created_at")


def reservations_handled_by(user: Any, reservations: QuerySet | None = None) -> QuerySet:
    """Reservations `user` may act on as the shop (confirm, collect, cancel...): those at
    their retailers' outlets. Brand staff see their brand's reservations but never act on
    them; the admin grants the same."""
    from django.db.models import Q

    from o2o.core.tenancy import visible_to

    reservations = Reservation.objects.all() if reservations is None else reservations
    return visible_to(
        user, reservations, lambda tenancy: Q(outlet__retailer_id__in=tenancy.retailer_ids)
    )
