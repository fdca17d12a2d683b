from o2o.outlets.models import Outlet

from .models import SyncRun


def outlet_for_integration(*, integration, code):
    return Outlet.objects.filter(retailer_id=integration.retailer_id, code=code).first()


def sync_run_for_integration(*, integration, pk):
    return (
        SyncRun.objects.select_related("outlet")
        .filter(pk=pk, outlet__retailer_id=integration.retailer_id)
        .first()
    )
