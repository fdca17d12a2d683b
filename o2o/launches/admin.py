from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from o2o.catalogue.models import Product
from o2o.catalogue.selectors import products_visible_to
from o2o.core.admin_tenancy import TenantAdmin
from o2o.core.errors import DomainError

from . import services
from .models import Launch
from .selectors import launches_visible_to


class LaunchForm(forms.ModelForm):
    class Meta:
        model = Launch
        fields = ["product", "starts_at", "timezone"]

    def clean(self):
        data = super().clean()
        if data.get("product") and data.get("starts_at"):
            problem = services.launch_problem(product=data["product"], starts_at=data["starts_at"])
            if problem:
                self.add_error("starts_at", problem)
        return data


@admin.register(Launch)
class LaunchAdmin(TenantAdmin):
    """A launch is saved through the service: its product is scheduled for the start."""

    scope = staticmethod(launches_visible_to)
    grants = {"brand": {"view"}, "brand_manager": {"view", "add", "change"}}
    form = LaunchForm
    list_display = ["product", "starts_at", "status", "interested"]
    list_filter = ["status", "brand"]
    list_select_related = ["product"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(interested_count=Count("interests"))

    @admin.display(description=_("interested"), ordering="interested_count")
    def interested(self, launch):
        return launch.interested_count

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "product" and field is not None:
            field.queryset = products_visible_to(request.user).filter(
                status__in=[Product.Status.DRAFT, Product.Status.SCHEDULED]
            )
        return field

    def save_model(self, request, obj, form, change):
        try:
            saved = services.schedule_launch(
                product=form.cleaned_data["product"],
                starts_at=form.cleaned_data["starts_at"],
                zone=form.cleaned_data["timezone"],
                user=request.user,
            )
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        obj.pk = saved.pk
