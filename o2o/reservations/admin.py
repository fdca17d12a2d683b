from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from o2o.core.admin_tenancy import TenantAdmin
from o2o.core.errors import DomainError
from o2o.core.templatetags.localtime import in_zone

from . import services
from .errors import IllegalTransition
from .models import Reservation, ReservationEvent, ReservationLine
from .selectors import reservations_visible_to


class ReservationLineInline(admin.TabularInline):
    model = ReservationLine
    extra = 0
    readonly_fields = ["variant", "quantity", "unit_price"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return True  # whoever may see the reservation (ReservationAdmin decides)


class ReservationEventInline(ReservationLineInline):
    model = ReservationEvent
    readonly_fields = ["created_at", "from_status", "to_status", "user", "note"]
    verbose_name_plural = _("history")


def _run_transition(modeladmin, request, queryset, name, **kwargs):
    """Apply one transition to each selected reservation; a repeated click is harmless."""
    moved = already = 0
    target = services.ACTION_TARGETS[name]
    for reservation in queryset:
        try:
            getattr(services, name)(reservation_id=reservation.pk, user=request.user, **kwargs)
        except IllegalTransition as exc:
            if exc.details.get("current") == target:
                already += 1  # a double click: it is already done
            else:
                modeladmin.message_user(
                    request, f"{reservation.code}: {exc.message}", messages.ERROR
                )
        except DomainError as exc:
            modeladmin.message_user(request, f"{reservation.code}: {exc.message}", messages.ERROR)
        else:
            moved += 1
    if moved:
        modeladmin.message_user(
            request,
            _("%(n)d reservation(s) updated; the shoppers are told by e-mail.") % {"n": moved},
        )
    if already:
        modeladmin.message_user(
            request, _("%(n)d reservation(s) were already done.") % {"n": already}, messages.INFO
        )


def _transition_action(name, label):
    def action(modeladmin, request, queryset):
        _run_transition(modeladmin, request, queryset, name)

    action.__name__ = name
    action.short_description = label
    action.allowed_permissions = ("change",)
    return action


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason, told to the shopper"), max_length=255)


class CollectForm(forms.Form):
    code = forms.CharField(
        label=_("Pickup code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "inputmode": "text"}
        ),
    )


class OverdueFilter(admin.SimpleListFilter):
    title = _("pickup")
    parameter_name = "pickup"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("open", _("To handle"))]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.filter(
                status__in=Reservation.OPEN_STATUSES, expires_at__lt=timezone.now()
            )
        if self.value() == "open":
            return queryset.filter(status__in=Reservation.OPEN_STATUSES)
        return queryset


@admin.register(Reservation)
class ReservationAdmin(TenantAdmin):
    scope = staticmethod(reservations_visible_to)
    grants = {"retailer": {"change"}, "brand": {"view"}}
    list_display = [
        "code",
        "outlet",
        "items",
        "shopper_name",
        "status",
        "pickup_by",
        "fulfilment",
        "created_at",
    ]
    list_filter = ["status", OverdueFilter, "outlet", "fulfilment", "stock_shortfall"]
    search_fields = ["code", "shopper_email", "shopper_phone", "shopper_name", "outlet__code"]
    list_select_related = ["outlet"]
    ordering = ["-created_at"]
    readonly_fields = [
        "code",
        "outlet",
        "brand",
        "status",
        "expires_at",
        "confirmed_at",
        "ready_at",
        "closed_at",
        "stock_shortfall",
        "decline_reason",
        "shopper_name",
        "shopper_email",
        "shopper_phone",
        "fulfilment",
    ]
    exclude = []
    inlines = [ReservationLineInline, ReservationEventInline]
    change_list_template = "admin/reservations/reservation/change_list.html"
    actions = [
        _transition_action("confirm", _("Confirm")),
        _transition_action("mark_ready", _("Mark ready for pickup")),
        _transition_action("collect", _("Mark collected")),
        "decline_with_reason",
        _transition_action("cancel", _("Cancel")),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("lines__variant__product")

    def has_add_permission(self, request, *args):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("items"))
    def items(self, reservation):
        return ", ".join(f"{line.quantity} × {line.variant}" for line in reservation.lines.all())

    @admin.display(description=_("hold until"), ordering="expires_at")
    def pickup_by(self, reservation):
        when = in_zone(reservation.expires_at, reservation.outlet.timezone)
        if reservation.is_open and reservation.expires_at < timezone.now():
            return format_html(
                '<strong style="color:#ba2121">⚠ {} ({})</strong>', when, _("overdue")
            )
        return when

    @admin.action(description=_("Decline (with a reason for the shopper)"), permissions=["change"])
    def decline_with_reason(self, request, queryset):
        form = DeclineForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            _run_transition(self, request, queryset, "decline", reason=form.cleaned_data["reason"])
            return None
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "reservations": queryset,
            "opts": self.model._meta,
            "title": _("Decline reservations"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return render(request, "admin/reservations/reservation/decline.html", context)

    def get_urls(self):
        collect = self.admin_site.admin_view(self.collect_view)
        return [
            path("collect/", collect, name="reservations_reservation_collect"),
            *super().get_urls(),
        ]

    def collect_view(self, request):
        """Type or scan a pickup code: the reservation is collected (once)."""
        if not self._granted(request, "change"):
            raise PermissionDenied
        form = CollectForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                reservation = services.collect_by_code(
                    code=form.cleaned_data["code"],
                    reservations=self.get_queryset(request),
                    user=request.user,
                )
            except IllegalTransition as exc:
                form.add_error("code", exc.message)
            except DomainError as exc:
                form.add_error("code", exc.message)
            else:
                self.message_user(
                    request,
                    _("%(code)s collected: hand over %(items)s.")
                    % {"code": reservation.code, "items": self.items(reservation)},
                )
                return redirect(reverse("admin:reservations_reservation_collect"))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "opts": self.model._meta,
            "title": _("Collect by pickup code"),
        }
        return render(request, "admin/reservations/reservation/collect.html", context)
