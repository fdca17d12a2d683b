from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from o2o.catalogue.models import Product
from o2o.catalogue.selectors import products_visible_to
from o2o.core.admin_tenancy import TenantAdmin, TenantInline
from o2o.core.errors import DomainError

from . import queue, services
from .models import Launch, LaunchAllocation
from .selectors import launches_visible_to

SETTINGS = [
    "product",
    "starts_at",
    "timezone",
    "per_shopper_limit",
    "admission_minutes",
    "admit_per_second",
]


class LaunchForm(forms.ModelForm):
    class Meta:
        model = Launch
        fields = [*SETTINGS, "queue_closes_at"]

    def clean(self):
        data = super().clean()
        if self.instance.status == Launch.Status.OPEN:
            return data  # the settings are read-only once it has started
        if data.get("product") and data.get("starts_at"):
            problem = services.launch_problem(
                product=data["product"],
                starts_at=data["starts_at"],
                queue_closes_at=data.get("queue_closes_at"),
            )
            if problem:
                field = "queue_closes_at" if "queue" in problem else "starts_at"
                self.add_error(field, problem)
        return data


class AllocationFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            taken = form.instance.taken if form.instance.pk else 0
            units = 0 if data.get("DELETE") else data.get("units") or 0
            problem = queue.allocation_problem(units=units, taken=taken)
            if problem:
                form.add_error("units" if not data.get("DELETE") else None, problem)


class AllocationInline(TenantInline):
    """The units each outlet puts aside; only the launch brand's partner outlets are
    offered, and the queue's service saves them (never below what is reserved)."""

    model = LaunchAllocation
    formset = AllocationFormSet
    extra = 3
    fields = ["outlet", "units", "taken"]
    readonly_fields = ["taken"]
    grants = {"brand": {"view"}, "brand_manager": {"view", "add", "change", "delete"}}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "outlet" and field is not None:
            from o2o.outlets.models import Outlet

            brands = tenancy_brands(request)
            field.queryset = field.queryset.filter(
                authorizations__brand_id__in=brands,
                authorizations__is_active=True,
                status=Outlet.Status.ACTIVE,
            ).distinct()
        return field


def tenancy_brands(request):
    from o2o.core.tenancy import tenancy_of

    match = getattr(request, "resolver_match", None)
    launch_id = match.kwargs.get("object_id") if match else None
    if launch_id:
        return Launch.objects.filter(pk=launch_id).values_list("brand_id", flat=True)
    return list(tenancy_of(request.user).brand_ids)


@admin.register(Launch)
class LaunchAdmin(TenantAdmin):
    """A launch is saved through the service: its product is scheduled for the start."""

    scope = staticmethod(launches_visible_to)
    grants = {"brand": {"view"}, "brand_manager": {"view", "add", "change"}}
    form = LaunchForm
    inlines = [AllocationInline]
    list_display = ["product", "starts_at", "status", "interested", "queue"]
    list_filter = ["status", "brand"]
    list_select_related = ["product"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(interested_count=Count("interests"))

    @admin.display(description=_("interested"), ordering="interested_count")
    def interested(self, launch):
        return launch.interested_count

    @admin.display(description=_("queue"))
    def queue(self, launch):
        return _("%(waiting)d waiting · %(reserved)d of %(units)d units reserved") % {
            "waiting": launch.tickets_issued - launch.admitted_through,
            "reserved": launch.units_reserved,
            "units": launch.units_total,
        }

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status == Launch.Status.OPEN:
            return (*fields, *SETTINGS, "queue_closes_at")
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "product" and field is not None:
            field.queryset = products_visible_to(request.user).filter(
                status__in=[Product.Status.DRAFT, Product.Status.SCHEDULED]
            )
        return field

    def save_model(self, request, obj, form, change):
        if obj.status == Launch.Status.OPEN:
            return  # started: only its allocations change (save_formset)
        data = form.cleaned_data
        saved = services.schedule_launch(
            product=data["product"],
            starts_at=data["starts_at"],
            zone=data["timezone"],
            per_shopper_limit=data["per_shopper_limit"],
            admission_minutes=data["admission_minutes"],
            admit_per_second=data["admit_per_second"],
            queue_closes_at=data.get("queue_closes_at"),
            user=request.user,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.remove_launch(launch_id=obj.pk, user=request.user)

    def delete_queryset(self, request, queryset):
        for launch_id in queryset.values_list("pk", flat=True):
            services.remove_launch(launch_id=launch_id, user=request.user)

    def save_formset(self, request, form, formset, change):
        """Allocations go through the queue's service, which keeps its counters exact."""
        units = {}
        for inline_form in formset.forms:
            data = getattr(inline_form, "cleaned_data", None) or {}
            outlet = data.get("outlet")
            if outlet is None:
                continue
            units[outlet.pk] = 0 if data.get("DELETE") else data.get("units") or 0
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        try:
            queue.set_allocations(launch=Launch.objects.get(pk=form.instance.pk), units=units)
        except DomainError as exc:  # a race with a reservation: the form checked the rest
            self.message_user(request, exc.message, messages.ERROR)
