from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources
from import_export.admin import ExportMixin

from o2o.core.admin_tenancy import TenantAdmin
from o2o.core.errors import DomainError
from o2o.core.outbox import enqueue
from o2o.core.templatetags.localtime import in_zone
from o2o.outlets.models import stale_stock
from o2o.outlets.selectors import outlets_visible_to, retailers_acted_for

from . import integrations, selectors, services, tasks
from .forms import StockFileUploadForm
from .models import Integration, StockFeed, StockLevel, StockMovement, SyncRowError, SyncRun
from .sync import feeds


class StockLevelResource(resources.ModelResource):
    """Export columns that the upload (and any POS file) reads back: outlet, sku, on_hand."""

    outlet = fields.Field(attribute="outlet__code", column_name="outlet")
    sku = fields.Field(attribute="variant__sku", column_name="sku")
    gtin = fields.Field(attribute="variant__gtin", column_name="gtin")
    product = fields.Field(attribute="variant__product__name", column_name="product")
    available = fields.Field(attribute="available", column_name="available")

    class Meta:
        model = StockLevel
        fields = (
            "outlet",
            "sku",
            "gtin",
            "product",
            "on_hand",
            "reserved",
            "available",
            "synced_at",
        )
        export_order = fields

    def get_queryset(self):
        return super().get_queryset().select_related("outlet", "variant__product")


class AvailabilityFilter(admin.SimpleListFilter):
    title = _("availability")
    parameter_name = "availability"

    def lookups(self, request, model_admin):
        return [("out", _("Out of stock")), ("low", _("Low stock")), ("in", _("In stock"))]

    def queryset(self, request, queryset):
        if self.value() == "out":
            return queryset.out()
        if self.value() == "low":
            return queryset.low()
        if self.value() == "in":
            return queryset.plenty()
        return queryset


class FreshnessFilter(admin.SimpleListFilter):
    title = _("freshness")
    parameter_name = "freshness"

    def lookups(self, request, model_admin):
        return [("stale", _("Stale (not synced recently)")), ("fresh", _("Fresh"))]

    def queryset(self, request, queryset):
        if self.value() == "stale":
            return queryset.at_stale_outlets()
        if self.value() == "fresh":
            return queryset.exclude(stale_stock("outlet__"))
        return queryset


class BrandFilter(admin.SimpleListFilter):
    title = _("brand")
    parameter_name = "brand"

    def lookups(self, request, model_admin):
        brands = (
            model_admin.get_queryset(request)
            .values_list("variant__brand_id", "variant__brand__name")
            .distinct()
            .order_by("variant__brand__name")
        )
        return list(brands)

    def queryset(self, request, queryset):
        return queryset.filter(variant__brand_id=self.value()) if self.value() else queryset


class StockLevelForm(forms.ModelForm):
    class Meta:
        model = StockLevel
        fields = ["on_hand"]

    def clean_on_hand(self):
        """The service's rules (a whole number, not below the held units), as a form error."""
        on_hand = self.cleaned_data["on_hand"]
        try:
            services.check_count(level=self.instance, on_hand=on_hand)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc
        return on_hand


@admin.register(StockLevel)
class StockLevelAdmin(ExportMixin, TenantAdmin):
    scope = staticmethod(selectors.stock_visible_to)
    grants = {"retailer": {"change"}, "brand": {"view"}}
    resource_classes = [StockLevelResource]
    form = StockLevelForm
    list_display = [
        "item",
        "shop",
        "on_hand",
        "reserved",
        "available_units",
        "counted",
    ]
    list_display_links = ["item"]
    list_editable = ["on_hand"]
    list_filter = ["outlet", BrandFilter, AvailabilityFilter, FreshnessFilter]
    search_fields = [
        "variant__sku",
        "variant__gtin",
        "variant__product__name",
        "outlet__code",
        "outlet__name",
    ]
    list_select_related = ["outlet", "variant__product"]
    readonly_fields = ["outlet", "variant", "reserved", "synced_at", "recent_changes"]

    class Media:
        css = {"all": ["css/admin-stock.css"]}

    ordering = ["outlet__name", "variant__product__name", "variant__sku"]
    change_list_template = "admin/inventory/stocklevel/change_list.html"
    list_per_page = 50

    def has_add_permission(self, request, *args):
        return request.user.is_superuser

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_changelist_instance(self, request):
        """Counts are editable in the list for those who may change them (on this request's
        changelist only: the admin instance is shared by every request)."""
        changelist = super().get_changelist_instance(request)
        if not self._granted(request, "change"):
            changelist.list_editable = ()
        return changelist

    def get_changelist_form(self, request, **kwargs):
        return StockLevelForm

    @admin.display(description=_("item"), ordering="variant__product__name")
    def item(self, level):
        return format_html("{} <span class='quiet'>{}</span>", level.variant, level.variant.sku)

    @admin.display(description=_("shop"), ordering="outlet__name")
    def shop(self, level):
        return format_html("<span title='{}'>{}</span>", level.outlet.name, level.outlet.code)

    @admin.display(description=_("counted"), ordering="synced_at")
    def counted(self, level):
        return in_zone(level.synced_at, level.outlet.timezone) if level.synced_at else "-"

    def changelist_view(self, request, extra_context=None):
        """A count refused in the list names its row and the reason at the top, not only
        in a cell that may be out of sight."""
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        formset = getattr(changelist, "formset", None)
        if formset is not None and request.method == "POST" and not formset.is_valid():
            for form in formset.forms:
                for error in form.errors.get("on_hand", []):
                    self.message_user(
                        request,
                        _("%(item)s at %(shop)s (%(sku)s): %(reason)s")
                        % {
                            "item": form.instance.variant,
                            "shop": form.instance.outlet.name,
                            "sku": form.instance.variant.sku,
                            "reason": error,
                        },
                        messages.ERROR,
                    )
        return response

    @admin.display(description=_("available"))
    def available_units(self, level):
        return level.available

    @admin.display(description=_("recent changes"))
    def recent_changes(self, level):
        """The audit trail: the last movements of this item at this outlet, with who."""
        movements = selectors.recent_movements(level=level)
        if not movements:
            return _("No changes recorded yet (syncs are listed under Sync runs).")
        return format_html_join(
            mark_safe("<br>"),
            "{} · {} · {} on hand / {} held · {} {}",
            (
                (
                    timezone.localtime(m.occurred_at).strftime("%d %b %H:%M"),
                    m.get_reason_display(),
                    f"{m.on_hand_delta:+d}",
                    f"{m.reserved_delta:+d}",
                    m.reference,
                    m.user or "",
                )
                for m in movements
            ),
        )

    def save_model(self, request, obj, form, change):
        """Counts change only through the service: movement, user, refusal below holds."""
        if not change or "on_hand" not in form.changed_data:
            return
        try:
            services.set_on_hand(level_id=obj.pk, on_hand=obj.on_hand, user=request.user)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)

    def get_urls(self):
        count = self.admin_site.admin_view(self.count_view)
        return [
            path("count/<int:outlet_id>/", count, name="inventory_stocklevel_count"),
            *super().get_urls(),
        ]

    def count_view(self, request, outlet_id):
        """Count a whole outlet: every item's units, applied as a snapshot by the engine."""
        if not self._granted(request, "change"):
            raise PermissionDenied
        outlet = get_object_or_404(
            outlets_visible_to(request.user),
            pk=outlet_id,
            retailer_id__in=retailers_acted_for(request.user),
        )
        levels = list(
            StockLevel.objects.filter(outlet=outlet)
            .select_related("variant__product")
            .order_by("variant__product__name", "variant__sku")
        )
        form = StockCountForm(request.POST or None, levels=levels)
        if request.method == "POST" and form.is_valid():
            run = services.queue_count(outlet=outlet, counts=form.counts(), user=request.user)
            self.message_user(
                request,
                _("Count of %(outlet)s queued as sync #%(id)s.")
                % {"outlet": outlet.name, "id": run.pk},
            )
            return redirect(reverse("admin:inventory_syncrun_change", args=[run.pk]))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "outlet": outlet,
            "title": _("Stock count: %(outlet)s") % {"outlet": outlet.name},
            "opts": self.model._meta,
        }
        return render(request, "admin/inventory/stocklevel/count.html", context)


class StockCountForm(forms.Form):
    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = levels
        for level in levels:
            self.fields[f"count_{level.pk}"] = forms.IntegerField(
                label=f"{level.variant.sku} · {level.variant}",
                min_value=level.reserved,
                initial=level.on_hand,
                help_text=_("%(held)s held") % {"held": level.reserved} if level.reserved else "",
            )

    def counts(self):
        return {level.variant.sku: self.cleaned_data[f"count_{level.pk}"] for level in self.levels}


@admin.register(StockMovement)
class StockMovementAdmin(TenantAdmin):
    scope = staticmethod(selectors.movements_visible_to)
    grants = {"retailer": {"view"}}
    list_display = [
        "occurred_at",
        "outlet",
        "variant",
        "on_hand_delta",
        "reserved_delta",
        "reason",
        "reference",
        "user",
    ]
    list_filter = ["reason", "outlet"]
    search_fields = ["outlet__code", "variant__sku", "reference", "user__username"]
    list_select_related = ["outlet", "variant__product", "user"]
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Integration)
class IntegrationAdmin(TenantAdmin):
    scope = staticmethod(selectors.integrations_visible_to)
    grants = {
        "retailer_owner": {"view", "add", "change"},
        "brand_manager": {"view", "add", "change"},
    }
    list_display = ["name", "retailer", "brand", "token_prefix", "is_active", "last_used_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "retailer__name", "brand__name"]
    list_select_related = ["retailer", "brand"]
    readonly_fields = ["token_prefix", "last_used_at", "rotated_at"]
    autocomplete_fields = ["retailer"]
    actions = ["rotate", "revoke"]

    def get_exclude(self, request, obj=None):
        return () if request.user.is_superuser else ("token_hash",)

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        try:
            integration, raw = integrations.create_integration(
                retailer=obj.retailer, brand=obj.brand, name=obj.name
            )
        except ValueError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return None
        obj.pk, obj.token_prefix, obj.token_hash = (
            integration.pk,
            integration.token_prefix,
            integration.token_hash,
        )
        self.message_user(request, _("Token (shown once, copy it now): %s") % raw, messages.WARNING)
        return None

    @admin.action(description=_("Rotate token (the old one stops working)"), permissions=["change"])
    def rotate(self, request, queryset):
        for integration in queryset:
            raw = integrations.rotate_token(integration_id=integration.pk)
            self.message_user(
                request,
                _("New token for %(name)s (shown once): %(token)s")
                % {"name": integration.name, "token": raw},
                messages.WARNING,
            )

    @admin.action(description=_("Revoke token"), permissions=["change"])
    def revoke(self, request, queryset):
        for integration in queryset:
            integrations.revoke_token(integration_id=integration.pk)
        self.message_user(request, _("Revoked."))


class StockFeedForm(forms.ModelForm):
    """The auth header is a secret: never rendered back; left empty, it is kept."""

    url = forms.URLField(label=_("URL"), assume_scheme="https", max_length=200)
    auth_header = forms.CharField(
        label=_("Authorization header"),
        required=False,
        max_length=255,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("e.g. 'Bearer abc'. Leave empty to keep the current one."),
    )
    clear_auth_header = forms.BooleanField(
        label=_("Remove the authorization header"), required=False
    )

    class Meta:
        model = StockFeed
        fields = [
            "retailer",
            "outlet",
            "url",
            "file_format",
            "column_mapping",
            "auth_header",
            "interval_minutes",
            "is_active",
        ]

    def clean_auth_header(self):
        value = self.cleaned_data["auth_header"]
        if not value and self.instance.pk:
            return self.instance.auth_header
        return value

    def clean(self):
        data = super().clean()
        if data.get("clear_auth_header"):
            data["auth_header"] = ""
        outlet, retailer = data.get("outlet"), data.get("retailer")
        if outlet and retailer and outlet.retailer_id != retailer.pk:
            self.add_error("outlet", _("This outlet belongs to another retailer."))
        return data


@admin.register(StockFeed)
class StockFeedAdmin(TenantAdmin):
    scope = staticmethod(selectors.feeds_visible_to)
    grants = {"retailer": {"view"}, "retailer_owner": {"view", "add", "change", "delete"}}
    form = StockFeedForm
    list_display = [
        "url",
        "retailer",
        "outlet",
        "file_format",
        "interval_minutes",
        "is_active",
        "consecutive_failures",
        "last_pulled_at",
        "last_status",
    ]
    list_filter = ["is_active", "file_format"]
    search_fields = ["url", "retailer__name", "outlet__code"]
    list_select_related = ["retailer", "outlet"]
    autocomplete_fields = ["retailer"]
    raw_id_fields = ["outlet"]
    actions = ["pull_now", "resume"]

    @admin.action(description=_("Pull now"), permissions=["change"])
    def pull_now(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            enqueue(tasks.pull_feed_task, pk)
        self.message_user(request, _("Pull queued."))

    @admin.action(description=_("Resume paused feeds"), permissions=["change"])
    def resume(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            feeds.resume_feed(feed_id=pk)
        self.message_user(request, _("Resumed."))


class SyncRowErrorInline(admin.TabularInline):
    """Rows rejected by a sync: shown to whoever may see the sync."""

    model = SyncRowError
    extra = 0
    can_delete = False
    readonly_fields = ["line", "sku", "message"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return True  # the parent SyncRunAdmin decides who sees the run

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SyncRun)
class SyncRunAdmin(TenantAdmin):
    scope = staticmethod(selectors.sync_runs_visible_to)
    grants = {"retailer": {"view", "add"}, "brand": {"view"}}
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

    change_list_template = "admin/inventory/syncrun/change_list.html"

    def has_add_permission(self, request, *args):
        return False  # runs come from sources; uploads go through upload_view

    def has_change_permission(self, request, obj=None):
        return False  # a sync run is a record: read-only for everyone

    def get_urls(self):
        upload = self.admin_site.admin_view(self.upload_view)
        return [path("upload/", upload, name="inventory_syncrun_upload"), *super().get_urls()]

    def upload_view(self, request):
        """Upload a CSV/XLSX stock file: it goes through the sync engine like any push."""
        if not self._granted(request, "add"):
            raise PermissionDenied
        form = StockFileUploadForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                run = form.queue(user=request.user)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(request, _("File queued as sync #%(id)s.") % {"id": run.pk})
                return redirect(reverse("admin:inventory_syncrun_change", args=[run.pk]))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Upload a stock file"),
            "opts": self.model._meta,
        }
        return render(request, "admin/inventory/syncrun/upload.html", context)
