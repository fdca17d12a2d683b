from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from o2o.brands.forms import BrandImportForm
from o2o.core.admin_imports import PreviewedImportAdmin
from o2o.core.admin_tenancy import TenantAdmin, TenantInline
from o2o.core.errors import DomainError
from o2o.core.phones import LocalPhoneField
from o2o.core.templatetags.localtime import in_zone
from o2o.core.tenancy import tenancy_of
from o2o.core.text import EMAIL_LENGTH

from . import imports, onboarding, selectors, services
from .forms import WeeklyHoursField
from .models import (
    ApplicationDocument,
    Outlet,
    OutletApplication,
    OutletAuthorization,
    OutletImport,
    Retailer,
    RetailerMembership,
)


class RetailerMembershipInline(TenantInline):
    model = RetailerMembership
    extra = 0
    fields = ["user", "role"]
    readonly_fields = ["user", "role"]
    verbose_name_plural = _("team (invite people with “Invite staff”)")
    grants = {"retailer_owner": {"view", "delete"}}


@admin.register(Retailer)
class RetailerAdmin(TenantAdmin):
    scope = staticmethod(selectors.retailers_visible_to)
    grants = {"retailer": {"view"}, "retailer_owner": {"change"}, "brand": {"view"}}
    list_display = ["name", "contact_email"]
    search_fields = ["name"]
    inlines = [RetailerMembershipInline]
    change_form_template = "admin/outlets/retailer/change_form.html"

    def save_formset(self, request, form, formset, change):
        """Removing a team member goes through the service (the last owner stays)."""
        if formset.model is not RetailerMembership:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for membership in formset.deleted_objects:
            try:
                services.remove_staff(membership_id=membership.pk, removed_by=request.user)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
        return None

    def get_urls(self):
        invite = self.admin_site.admin_view(self.invite_view)
        return [
            path("<int:retailer_id>/invite/", invite, name="outlets_retailer_invite"),
            *super().get_urls(),
        ]

    def invite_view(self, request, retailer_id):
        """The owner invites staff by e-mail (a set-password link)."""
        retailer = get_object_or_404(self.get_queryset(request), pk=retailer_id)
        if not self.has_change_permission(request, retailer):
            raise PermissionDenied
        form = InviteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.invite_staff(
                    retailer=retailer, invited_by=request.user, **form.cleaned_data
                )
            except DomainError as exc:
                form.add_error("email", exc.message)
            else:
                self.message_user(
                    request,
                    _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
                )
                return redirect(reverse("admin:outlets_retailer_change", args=[retailer.pk]))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "opts": self.opts,
            "title": _("Invite staff to %(retailer)s") % {"retailer": retailer.name},
        }
        return render(request, "admin/outlets/retailer/invite.html", context)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=EMAIL_LENGTH)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=RetailerMembership.Role.choices,
        initial=RetailerMembership.Role.STAFF,
    )


class OutletAuthorizationInline(TenantInline):
    model = OutletAuthorization
    extra = 0
    grants = {"retailer": {"view"}}


OUTLET_EDITABLE_BY_RETAILER = [
    "name",
    "address",
    "phone",
    "weekly_hours",
    "timezone",
    "offers_pickup",
    "delivery_radius_km",
    "status",
]


@admin.register(Outlet)
class OutletAdmin(TenantAdmin):
    scope = staticmethod(selectors.outlets_visible_to)
    grants = {"retailer": {"view"}, "retailer_owner": {"change"}, "brand": {"view"}}
    list_display = ["code", "name", "retailer", "city", "status", "stock_sync"]
    list_filter = ["status", "country", "city"]
    search_fields = ["code", "name", "city", "postcode"]
    list_select_related = ["retailer"]
    autocomplete_fields = ["retailer"]
    inlines = [OutletAuthorizationInline]
    change_form_template = "admin/outlets/outlet/change_form.html"
    formfield_overrides = {
        models.JSONField: {"form_class": WeeklyHoursField},
        PhoneNumberField: {"form_class": LocalPhoneField},  # read in the outlet's country
    }

    @admin.display(description=_("opening hours"))
    def opening_hours(self, outlet):
        return outlet.hours.describe() or "-"

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if self.has_change_permission(request, obj):
            return fields
        swapped = ["opening_hours" if name == "weekly_hours" else name for name in fields]
        return list(dict.fromkeys(swapped))  # readonly fields come last, once

    @admin.display(description=_("stock synced"), ordering="stock_synced_at")
    def stock_sync(self, outlet):
        if outlet.stock_synced_at is None:
            return format_html('<strong style="color:#ba2121">⚠ {}</strong>', _("never"))
        stale = outlet.stock_is_stale()
        when = in_zone(outlet.stock_synced_at, outlet.timezone)
        if stale:
            return format_html('<strong style="color:#ba2121">⚠ {} ({})</strong>', when, _("stale"))
        return when

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        tenancy = tenancy_of(request.user)
        context["can_count_stock"] = obj is not None and (
            request.user.is_superuser or obj.retailer_id in tenancy.retailer_ids
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ["stock_as_of", "stock_synced_at"]
        names = [f.name for f in Outlet._meta.fields if f.name not in OUTLET_EDITABLE_BY_RETAILER]
        if not self.has_change_permission(request, obj):
            names = [*names, "opening_hours"]
        return names
        # (no user fields on outlets: nothing for TenantFormMixin to add)


@admin.register(OutletAuthorization)
class OutletAuthorizationAdmin(TenantAdmin):
    scope = staticmethod(selectors.authorizations_visible_to)
    grants = {"retailer": {"view"}, "brand": {"view"}, "brand_manager": {"change"}}
    list_display = ["outlet", "brand", "is_active"]
    list_filter = ["brand", "is_active"]
    search_fields = ["outlet__code", "outlet__name"]
    list_select_related = ["outlet", "brand"]
    autocomplete_fields = ["outlet"]

    actions = ["suspend", "reactivate"]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if request.user.is_superuser else (*fields, "outlet", "brand")

    @admin.action(
        description=_("Suspend (shoppers stop seeing these outlets for the brand)"),
        permissions=["change"],
    )
    def suspend(self, request, queryset):
        count = services.set_authorizations_active(authorizations=queryset, active=False)
        self.message_user(request, _("%(n)d authorisation(s) suspended.") % {"n": count})

    @admin.action(description=_("Reactivate"), permissions=["change"])
    def reactivate(self, request, queryset):
        count = services.set_authorizations_active(authorizations=queryset, active=True)
        self.message_user(request, _("%(n)d authorisation(s) reactivated.") % {"n": count})


class ApplicationDocumentInline(TenantInline):
    model = ApplicationDocument
    extra = 0
    fields = ["download", "content_type", "size", "uploaded_at"]
    readonly_fields = fields
    grants = {"brand": {"view"}}

    def has_add_permission(self, request, obj=None):
        return False  # documents come with the application

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("document"))
    def download(self, document):
        if document.pk is None:
            return ""
        url = reverse(
            "admin:outlets_outletapplication_document", args=[document.application_id, document.pk]
        )
        return format_html('<a href="{}">{}</a>', url, document.file.name.rsplit("/", 1)[-1])


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Reason, sent to the applicant"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@admin.register(OutletApplication)
class OutletApplicationAdmin(TenantAdmin):
    scope = staticmethod(selectors.applications_visible_to)
    grants = {"brand": {"view"}, "brand_onboarding": {"change"}}
    list_display = [
        "outlet_name",
        "business_name",
        "brand",
        "city",
        "status",
        "duplicates",
        "created_at",
    ]
    list_filter = ["status", "brand", "country", "city"]
    search_fields = ["outlet_name", "business_name", "contact_email", "phone", "tax_id"]
    formfield_overrides = {PhoneNumberField: {"form_class": LocalPhoneField}}
    list_select_related = ["brand"]
    readonly_fields = [
        "brand",
        "status",
        "duplicate_reasons",
        "consent_at",
        "retailer",
        "outlet",
        "decided_by",
        "decided_at",
        "decision_note",
    ]
    inlines = [ApplicationDocumentInline]
    actions = ["approve", "reject", "ask_for_changes"]

    def has_add_permission(self, request, *args):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description=_("possible duplicates"))
    def duplicates(self, application):
        return len(application.duplicate_reasons) or ""

    @admin.action(
        description=_("Approve (create outlet, authorise, invite the owner)"),
        permissions=["change"],
    )
    def approve(self, request, queryset):
        for application in queryset:
            try:
                onboarding.approve_application(application_id=application.pk, user=request.user)
            except DomainError as exc:
                self.message_user(
                    request, f"{application.outlet_name}: {exc.message}", messages.ERROR
                )
            else:
                self.message_user(
                    request, _("%(name)s approved.") % {"name": application.outlet_name}
                )

    def _decide_with_note(self, request, queryset, action, service, title):
        form = DecisionForm(request.POST if "note" in request.POST else None)
        if form.is_valid():
            for application in queryset:
                try:
                    service(
                        application_id=application.pk,
                        user=request.user,
                        **{"reason" if action == "reject" else "note": form.cleaned_data["note"]},
                    )
                except DomainError as exc:
                    self.message_user(request, exc.message, messages.ERROR)
            return None
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": title,
            "objects": queryset,
            "action": action,
            "opts": self.opts,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return render(request, "admin/outlets/outletapplication/decision.html", context)

    @admin.action(description=_("Reject (with a reason)"), permissions=["change"])
    def reject(self, request, queryset):
        return self._decide_with_note(
            request, queryset, "reject", onboarding.reject_application, _("Reject applications")
        )

    @admin.action(description=_("Request changes (with a note)"), permissions=["change"])
    def ask_for_changes(self, request, queryset):
        return self._decide_with_note(
            request, queryset, "ask_for_changes", onboarding.request_changes, _("Request changes")
        )

    def get_urls(self):
        document = self.admin_site.admin_view(self.document_view)
        return [
            path(
                "<int:application_id>/document/<int:document_id>/",
                document,
                name="outlets_outletapplication_document",
            ),
            *super().get_urls(),
        ]

    def document_view(self, request, application_id, document_id):
        """Documents are private: served only to whoever may see the application."""
        application = get_object_or_404(self.get_queryset(request), pk=application_id)
        document = get_object_or_404(application.documents, pk=document_id)
        return FileResponse(document.file.open("rb"), content_type=document.content_type)


class OutletImportForm(BrandImportForm):
    brand_ids = "onboarding_brand_ids"
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_(
            "Columns: outlet_code, name, address, city, postcode, country, latitude, longitude, "
            "phone, retailer, retailer_email, tax_id."
        ),
    )


@admin.register(OutletImport)
class OutletImportAdmin(PreviewedImportAdmin):
    scope = staticmethod(selectors.imports_visible_to)
    grants = {"brand_onboarding": {"view", "add", "change"}}
    list_display = [
        "pk",
        "brand",
        "status",
        "rows_total",
        "outlets_created",
        "rows_rejected",
        "created_at",
    ]
    list_filter = ["status", "brand"]
    list_select_related = ["brand"]
    upload_form = OutletImportForm
    importer = imports
    upload_title = _("Import outlets")
    progress_counts = ("outlets_created",)

    def create_import(self, request, form):
        return OutletImport.objects.create(
            brand=form.cleaned_data["brand"],
            file=form.cleaned_data["file"],
            created_by=request.user,
            language=get_language() or settings.LANGUAGE_CODE,
        )
