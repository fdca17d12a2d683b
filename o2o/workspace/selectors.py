"""The admin home page's figures for a user: what to handle today, in their tenancy only."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from o2o.core.tenancy import tenancy_of


def workspace_summary(user: Any) -> dict | None:
    """Counts and short lists for the admin index; a bounded number of queries."""
    from o2o.brands.selectors import brands_visible_to
    from o2o.inventory.selectors import stock_visible_to, sync_runs_visible_to
    from o2o.outlets.selectors import applications_visible_to, outlets_visible_to
    from o2o.reservations.models import Reservation
    from o2o.reservations.selectors import reservations_visible_to

    tenancy = tenancy_of(user)
    if not (tenancy.is_superuser or tenancy.roles):
        return None
    now = timezone.now()
    reservations = reservations_visible_to(user).filter(status__in=Reservation.OPEN_STATUSES)
    stock = stock_visible_to(user)
    if not tenancy.is_superuser and not tenancy.is_retailer:
        stock = stock.none()
    outlets = outlets_visible_to(user)
    return {
        "to_handle": reservations.select_related("outlet").order_by("expires_at")[:10],
        "to_handle_count": reservations.count(),
        "overdue_count": reservations.filter(expires_at__lt=now).count(),
        "low_stock_count": stock.low().count(),
        "out_of_stock_count": stock.out().count(),
        "stale_outlet_count": outlets.stale(now=now).count(),
        "recent_syncs": sync_runs_visible_to(user).select_related("outlet")[:5],
        "applications_count": applications_visible_to(user).filter(status="submitted").count()
        if tenancy.is_brand_staff or tenancy.is_superuser
        else None,
        "is_retailer": tenancy.is_retailer,
        "dashboards": brands_visible_to(user) if tenancy.is_brand_staff else [],
    }


def counter_queue(user: Any, *, code: str = "") -> dict:
    """The shop counter: the open reservations the user handles, by state, and the one
    whose code was typed or scanned. Four queries whatever the number of reservations."""
    from o2o.reservations.models import Reservation
    from o2o.reservations.selectors import reservations_handled_by

    handled = reservations_handled_by(user).select_related("outlet", "brand")
    open_ones = list(
        handled.filter(status__in=Reservation.OPEN_STATUSES)
        .prefetch_related("lines__variant__product")
        .order_by("expires_at")[:COUNTER_ROWS]
    )
    by_state: dict[str, list] = {status: [] for status in Reservation.OPEN_STATUSES}
    for reservation in open_ones:
        by_state[reservation.status].append(reservation)
    wanted = (code or "").strip().upper()[:16]
    found = None
    if wanted:
        found = next((r for r in open_ones if r.code == wanted), None) or (
            handled.prefetch_related("lines__variant__product").filter(code=wanted).first()
        )
    today = timezone.localdate()
    return {
        "by_state": by_state,
        "found": found,
        "searched": wanted,
        "handed_over_today": handled.filter(
            status=Reservation.Status.COLLECTED, closed_at__date=today
        ).count(),
    }


COUNTER_ROWS = 100


def counter_stock(user: Any, *, query: str) -> list:
    """Up to 10 items at the user's own shops whose SKU, GTIN or product name matches."""
    from django.db.models import Q

    text = (query or "").strip()[:64]
    if not text:
        return []
    return list(
        own_stock(user)
        .filter(
            Q(variant__sku__iexact=text)
            | Q(variant__gtin=text)
            | Q(variant__product__name__icontains=text)
        )
        .select_related("outlet", "variant__product")
        .order_by("outlet__name", "variant__sku")[:10]
    )


def own_stock(user: Any) -> Any:
    """Stock rows at the shops `user` works for (brand staff see more, but count none)."""
    from o2o.inventory.selectors import stock_visible_to
    from o2o.outlets.selectors import retailers_acted_for

    return stock_visible_to(user).filter(outlet__retailer_id__in=retailers_acted_for(user))
