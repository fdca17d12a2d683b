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
