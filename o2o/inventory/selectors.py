from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q

from o2o.core.tenancy import visible_to
from o2o.outlets.models import Outlet

from .models import SyncRun

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from .models import Integration, StockLevel, StockLevelQuerySet


def outlets_for_integration(integration: Integration) -> QuerySet:
    """The outlets an integration may sync: its retailer's, or those authorised for its brand."""
    if integration.retailer_id is not None:  # a retailer's or a brand's, never both
        return Outlet.objects.filter(retailer_id=integration.retailer_id)
    return Outlet.objects.filter(
        authorizations__brand_id=_brand_of(integration), authorizations__is_active=True
    )


def _brand_of(integration: Integration) -> int:
    """A brand integration's brand (the check constraint integration_retailer_xor_brand)."""
    if integration.brand_id is None:
        raise ValueError(f"integration {integration.pk} acts for a retailer, not a brand")
    return integration.brand_id


def outlet_for_integration(*, integration: Integration, code: str) -> Outlet | None:
    return outlets_for_integration(integration).filter(code=code).first()


def sync_runs_for_integration(integration: Integration) -> QuerySet:
    runs = SyncRun.objects.select_related("outlet")
    if integration.retailer_id is not None:
        return runs.filter(retailer_id=integration.retailer_id)
    return runs.filter(integration__brand_id=_brand_of(integration))


def sync_run_for_integration(*, integration: Integration, pk: int) -> SyncRun | None:
    return sync_runs_for_integration(integration).filter(pk=pk).first()


def sync_history(*, outlet: Outlet, integration: Integration) -> QuerySet:
    """An outlet's sync runs that `integration` may see, newest first: the same scope as
    a run's detail (`sync_run_for_integration`)."""
    return (
        sync_runs_for_integration(integration).filter(outlet=outlet).order_by("-created_at", "-pk")
    )


def stock_visible_to(user: Any, levels: QuerySet | None = None) -> StockLevelQuerySet:
    """Own outlets' stock; for brand staff, their brand's items at authorised outlets."""
    from o2o.outlets.models import OutletAuthorization

    from .models import StockLevel

    levels = StockLevel.objects.all() if levels is None else levels
    authorised = OutletAuthorization.objects.filter(
        outlet_id=OuterRef("outlet_id"), brand_id=OuterRef("variant__brand_id"), is_active=True
    )
    return visible_to(
        user,
        levels,
        lambda tenancy: (
            Q(outlet__retailer_id__in=tenancy.retailer_ids)
            | Q(Exists(authorised), variant__brand_id__in=tenancy.brand_ids)
        ),
    )


def movements_visible_to(user: Any, movements: QuerySet | None = None) -> QuerySet:
    from .models import StockMovement

    movements = StockMovement.objects.all() if movements is None else movements
    return visible_to(
        user, movements, lambda tenancy: Q(outlet__retailer_id__in=tenancy.retailer_ids)
    )


def sync_runs_visible_to(user: Any, runs: QuerySet | None = None) -> QuerySet:
    runs = SyncRun.objects.all() if runs is None else runs
    return visible_to(
        user,
        runs,
        lambda tenancy: (
            Q(retailer_id__in=tenancy.retailer_ids) | Q(integration__brand_id__in=tenancy.brand_ids)
        ),
    )


def integrations_visible_to(user: Any, integrations: QuerySet | None = None) -> QuerySet:
    from .models import Integration

    integrations = Integration.objects.all() if integrations is None else integrations
    return visible_to(
        user,
        integrations,
        lambda tenancy: (
            Q(retailer_id__in=tenancy.owner_retailer_ids)
            | Q(brand_id__in=tenancy.manager_brand_ids)
        ),
    )


def feeds_visible_to(user: Any, feeds: QuerySet | None = None) -> QuerySet:
    from .models import StockFeed

    feeds = StockFeed.objects.all() if feeds is None else feeds
    return visible_to(user, feeds, lambda tenancy: Q(retailer_id__in=tenancy.retailer_ids))


def recent_movements(*, level: StockLevel, limit: int | None = 10) -> list:
    from .models import StockMovement

    return list(
        StockMovement.objects.filter(outlet_id=level.outlet_id, variant_id=level.variant_id)
        .select_related("user")
        .order_by("-occurred_at", "-pk")[:limit]
    )
