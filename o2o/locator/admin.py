from django.contrib import admin

from o2o.core.admin_tenancy import TenantAdmin

from .models import BackInStockRequest, DemandSignal
from .selectors import demand_visible_to


@admin.register(DemandSignal)
class DemandSignalAdmin(TenantAdmin):
    scope = staticmethod(demand_visible_to)
    grants = {"brand": {"view"}}
    list_display = ["created_at", "brand", "variant", "cell_lat", "cell_lng", "found"]
    list_filter = ["brand", "found"]
    list_select_related = ["brand", "variant__product"]
    raw_id_fields = ["variant"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BackInStockRequest)
class BackInStockRequestAdmin(TenantAdmin):
    """Shoppers' e-mail addresses: superusers only (scope None)."""

    list_display = ["created_at", "email", "variant", "place", "notified_at"]
    list_select_related = ["variant__product"]
    raw_id_fields = ["variant"]
