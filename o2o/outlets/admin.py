from django.contrib import admin

from .models import Outlet, OutletApplication, OutletAuthorization, Retailer, RetailerMembership


class RetailerMembershipInline(admin.TabularInline):
    model = RetailerMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Retailer)
class RetailerAdmin(admin.ModelAdmin):
    list_display = ["name", "contact_email"]
    search_fields = ["name"]
    inlines = [RetailerMembershipInline]


class OutletAuthorizationInline(admin.TabularInline):
    model = OutletAuthorization
    extra = 0


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "retailer", "city", "status", "stock_synced_at"]
    list_filter = ["status", "country", "city"]
    search_fields = ["code", "name", "city", "postcode"]
    list_select_related = ["retailer"]
    autocomplete_fields = ["retailer"]
    readonly_fields = ["stock_as_of", "stock_synced_at"]
    inlines = [OutletAuthorizationInline]


@admin.register(OutletAuthorization)
class OutletAuthorizationAdmin(admin.ModelAdmin):
    list_display = ["outlet", "brand", "is_active"]
    list_filter = ["brand", "is_active"]
    search_fields = ["outlet__code", "outlet__name"]
    list_select_related = ["outlet", "brand"]
    autocomplete_fields = ["outlet"]


@admin.register(OutletApplication)
class OutletApplicationAdmin(admin.ModelAdmin):
    list_display = ["outlet_name", "brand", "city", "status", "created_at"]
    list_filter = ["status", "brand"]
    search_fields = ["outlet_name", "business_name", "contact_email"]
    list_select_related = ["brand"]
