from django.contrib import admin

from o2o.core.admin_tenancy import TenantAdmin, TenantInline

from .models import Brand, BrandMembership
from .selectors import brands_visible_to


class BrandMembershipInline(TenantInline):
    model = BrandMembership
    extra = 0
    autocomplete_fields = ["user"]
    grants = {"brand_manager": {"view"}}


@admin.register(Brand)
class BrandAdmin(TenantAdmin):
    scope = staticmethod(brands_visible_to)
    grants = {"brand": {"view"}, "brand_manager": {"change"}}
    list_display = ["name", "currency", "hold_minutes", "is_active"]
    list_filter = ["is_active", "currency"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [BrandMembershipInline]

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if request.user.is_superuser else {}

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return fields
        return (*fields, "name", "slug", "currency", "is_active")
