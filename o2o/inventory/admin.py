from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Integration, StockFeed, StockLevel, StockMovement, SyncRowError, SyncRun


@admin.register(StockLevel)
class StockLevelAdmin(admin.ModelAdmin):
    list_display = ["outlet", "variant", "on_hand", "reserved", "synced_at"]
    list_filter = ["outlet__city", "variant__brand"]
    search_fields = ["outlet__code", "variant__sku"]
    list_select_related = ["outlet", "variant__product"]
    raw_id_fields = ["outlet", "variant"]
    readonly_fields = ["reserved", "synced_at"]


@admin.register(StockMovement)
class StockMovementAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "outlet",
        "variant",
        "on_hand_delta",
        "reserved_delta",
        "reason",
        "reference",
    ]
    list_filter = ["reason"]
    search_fields = ["outlet__code", "variant__sku", "reference"]
    list_select_related = ["outlet", "variant__product"]
    raw_id_fields = ["outlet", "variant", "user"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Integration)
class IntegrationAdmin(admin.ModelAdmin):
    list_display = ["name", "retailer", "token_prefix", "is_active", "last_used_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "retailer__name"]
    list_select_related = ["retailer"]
    readonly_fields = ["token_prefix", "last_used_at"]
    autocomplete_fields = ["retailer"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        integration, raw = services.create_integration(retailer=obj.retailer, name=obj.name)
        obj.pk, obj.token_prefix, obj.token_hash = (
            integration.pk,
            integration.token_prefix,
            integration.token_hash,
        )
        self.message_user(request, _("Token (shown once, copy it now): %s") % raw, messages.WARNING)


@admin.register(StockFeed)
class StockFeedAdmin(admin.ModelAdmin):
    list_display = [
        "outlet",
        "url",
        "file_format",
        "interval_minutes",
        "is_active",
        "last_pulled_at",
    ]
    list_filter = ["is_active", "file_format"]
    list_select_related = ["outlet"]
    raw_id_fields = ["outlet"]


class SyncRowErrorInline(admin.TabularInline):
    model = SyncRowError
    extra = 0
    can_delete = False
    readonly_fields = ["line", "sku", "message"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "outlet",
        "source",
        "status",
        "as_of",
        "rows_applied",
        "rows_rejected",
        "created_at",
    ]
    list_filter = ["status", "source"]
    search_fields = ["outlet__code"]
    list_select_related = ["outlet"]
    exclude = ["payload"]
    readonly_fields = [f.name for f in SyncRun._meta.fields if f.name != "payload"]
    inlines = [SyncRowErrorInline]

    def has_add_permission(self, request):
        return False
