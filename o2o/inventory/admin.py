from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from o2o.core.errors import DomainError

from . import feeds, services, tasks
from .forms import StockFileUploadForm
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
    list_display = ["name", "retailer", "brand", "token_prefix", "is_active", "last_used_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "retailer__name", "brand__name"]
    list_select_related = ["retailer", "brand"]
    readonly_fields = ["token_prefix", "last_used_at", "rotated_at"]
    autocomplete_fields = ["retailer"]
    actions = ["rotate", "revoke"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        try:
            integration, raw = services.create_integration(
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

    @admin.action(description=_("Rotate token (the old one stops working)"))
    def rotate(self, request, queryset):
        for integration in queryset:
            raw = services.rotate_token(integration_id=integration.pk)
            self.message_user(
                request,
                _("New token for %(name)s (shown once): %(token)s")
                % {"name": integration.name, "token": raw},
                messages.WARNING,
            )

    @admin.action(description=_("Revoke token"))
    def revoke(self, request, queryset):
        for integration in queryset:
            services.revoke_token(integration_id=integration.pk)
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
class StockFeedAdmin(admin.ModelAdmin):
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

    @admin.action(description=_("Pull now"))
    def pull_now(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            tasks.pull_feed_task.delay(pk)
        self.message_user(request, _("Pull queued."))

    @admin.action(description=_("Resume paused feeds"))
    def resume(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            feeds.resume_feed(feed_id=pk)
        self.message_user(request, _("Resumed."))


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

    change_list_template = "admin/inventory/syncrun/change_list.html"

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        upload = self.admin_site.admin_view(self.upload_view)
        return [path("upload/", upload, name="inventory_syncrun_upload"), *super().get_urls()]

    def upload_view(self, request):
        """Upload a CSV/XLSX stock file: it goes through the sync engine like any push."""
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
