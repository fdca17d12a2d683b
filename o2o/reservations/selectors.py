from .models import Reservation


def reservation_for_shopper(*, code, email):
    """The reservation with this code and e-mail, or None."""
    return (
        Reservation.objects.filter(code=code.strip().upper(), shopper_email__iexact=email.strip())
        .select_related("outlet", "brand")
        .first()
    )


def reservation_detail(*, code):
    return (
        Reservation.objects.select_related("outlet", "brand")
        .prefetch_related("lines__variant__product", "events")
        .filter(code=code)
        .first()
    )


def reservations_visible_to(user, reservations=None):
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


def reservations_of_shopper(user):
    """A signed-in shopper's reservations, newest first."""
    return Reservation.objects.filter(shopper=user).select_related("outlet").order_by("-created_at")


def reservations_handled_by(user, reservations=None):
    """Reservations `user` may act on as the shop (confirm, collect, cancel...): those at
    their retailers' outlets. Brand staff see their brand's reservations but never act on
    them; the admin grants the same."""
    from django.db.models import Q

    from o2o.core.tenancy import visible_to

    reservations = Reservation.objects.all() if reservations is None else reservations
    return visible_to(
        user, reservations, lambda tenancy: Q(outlet__retailer_id__in=tenancy.retailer_ids)
    )
