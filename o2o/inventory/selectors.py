from o2o.outlets.models import Outlet

from .models import SyncRun


def outlets_for_integration(integration):
    """The outlets an integration may sync: its retailer's, or those authorised for its brand."""
    if integration.retailer_id:
        return Outlet.objects.filter(retailer_id=integration.retailer_id)
    return Outlet.objects.filter(
        authorizations__brand_id=integration.brand_id, authorizations__is_active=True
    )


def outlet_for_integration(*, integration, code):
    return outlets_for_integration(integration).filter(code=code).first()


def sync_runs_for_integration(integration):
    runs = SyncRun.objects.select_related("outlet")
    if integration.retailer_id:
        return runs.filter(retailer_id=integration.retailer_id)
    return runs.filter(integration__brand_id=integration.brand_id)


def sync_run_for_integration(*, integration, pk):
    return sync_runs_for_integration(integration).filter(pk=pk).first()


def sync_history(*, outlet):
    """An outlet's sync runs, newest first (single-outlet runs and files that covered it)."""
    return (
        SyncRun.objects.filter(outlet=outlet)
        .select_related("outlet")
        .order_by("-created_at", "-pk")
    )
