from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from o2o.core.admin_tenancy import TenantAdmin, TenantInline
from o2o.core.errors import DomainError
from o2o.core.tenancy import tenancy_of

from . import selectors, services
from .models import Outlet, OutletApplication, OutletAuthorization, Retailer, RetailerMembership


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
    email = forms.EmailField(label=_("E-mail"))
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
    "opening_hours",
    "offers_pickup",
    "delivery_radius_km",
    "status",
]


@admin.register(Outlet)
class OutletAdmin(TenantAdmin):
    scope = staticmethod(selectors.outlets_visible_to)
    grants = {"retailer": {"view"}, "retailer_owner": {"change"}, "brand": {"view"}}
    list_display = ["code", "name", "retailer", "city", "status", "stock_synced_at"]
    list_filter = ["status", "country", "city"]
    search_fields = ["code", "name", "city", "postcode"]
    list_select_related = ["retailer"]
    autocomplete_fields = ["retailer"]
    inlines = [OutletAuthorizationInline]
    change_form_template = "admin/outlets/outlet/change_form.html"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        tenancy = tenancy_of(request.user)
        context["can_count_stock"] = obj is not None and (
            request.user.is_superuser or obj.retailer_id in tenancy.retailer_ids
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ["stock_as_of", "stock_synced_at"]
        return [f.name for f in Outlet._meta.fields if f.name not in OUTLET_EDITABLE_BY_RETAILER]


@admin.register(OutletAuthorization)
class OutletAuthorizationAdmin(TenantAdmin):
    scope = staticmethod(selectors.authorizations_visible_to)
    grants = {"retailer": {"view"}, "brand": {"view"}, "brand_manager": {"change"}}
    list_display = ["outlet", "brand", "is_active"]
    list_filter = ["brand", "is_active"]
    search_fields = ["outlet__code", "outlet__name"]
    list_select_related = ["outlet", "brand"]
    autocomplete_fields = ["outlet"]

    def get_readonly_fields(self, request, obj=None):
        return () if request.user.is_superuser else ("outlet", "brand")


@admin.register(OutletApplication)
class OutletApplicationAdmin(TenantAdmin):
    scope = staticmethod(selectors.applications_visible_to)
    grants = {"brand": {"view"}, "brand_manager": {"change"}}
    list_display = ["outlet_name", "brand", "city", "status", "created_at"]
    list_filter = ["status", "brand"]
    search_fields = ["outlet_name", "business_name", "contact_email"]
    list_select_related = ["brand"]
