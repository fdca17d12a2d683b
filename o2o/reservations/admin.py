from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from o2o.core.errors import DomainError

from . import services
from .models import Reservation, ReservationLine


class ReservationLineInline(admin.TabularInline):
    model = ReservationLine
    extra = 0
    readonly_fields = ["variant", "quantity", "unit_price"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


def _transition_action(name, label):
    def action(modeladmin, request, queryset):
        moved = 0
        for pk in queryset.values_list("pk", flat=True):
            try:
                getattr(services, name)(reservation_id=pk, user=request.user)
            except DomainError as exc:
                modeladmin.message_user(request, exc.message, messages.ERROR)
            else:
                moved += 1
        modeladmin.message_user(request, _("%(n)d reservation(s) updated.") % {"n": moved})

    action.__name__ = name
    action.short_description = label
    return action


@admin.register(Reservation)
class ReservationAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "outlet",
        "status",
        "fulfilment",
        "expires_at",
        "stock_shortfall",
        "created_at",
    ]
    list_filter = ["status", "fulfilment", "stock_shortfall", "brand"]
    search_fields = ["code", "shopper_email", "shopper_phone", "outlet__code"]
    list_select_related = ["outlet"]
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
    ]
    inlines = [ReservationLineInline]
    actions = [
        _transition_action("confirm", _("Confirm")),
        _transition_action("mark_ready", _("Mark ready for pickup")),
        _transition_action("collect", _("Mark collected")),
        _transition_action("cancel", _("Cancel")),
        _transition_action("decline", _("Decline")),
    ]

    def has_add_permission(self, request):
        return False
