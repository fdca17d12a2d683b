"""The shop counter: the workspace on a phone. Today's reservations by state with one tap
to move each on, hand-over by scanning the shopper's QR code (or typing the code), and a
quick correction of one item's count. Same login and tenancy as the rest of the admin."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from o2o.core.errors import DomainError
from o2o.core.tenancy import tenancy_of
from o2o.inventory import services as inventory_services
from o2o.inventory.selectors import stock_visible_to
from o2o.outlets.selectors import retailers_acted_for
from o2o.reservations import services as reservation_services
from o2o.reservations.selectors import reservations_handled_by

from .selectors import counter_queue, counter_stock

ACTIONS = {
    "confirm": reservation_services.confirm,
    "ready": reservation_services.mark_ready,
    "collect": reservation_services.collect,
}


def _shop_staff(request):
    tenancy = tenancy_of(request.user)
    if not (tenancy.is_superuser or tenancy.is_retailer):
        raise PermissionDenied(_("The counter is for shop staff."))


def counter(site, request):
    _shop_staff(request)
    context = {
        **site.each_context(request),
        "title": _("Counter"),
        **counter_queue(request.user, code=request.GET.get("code", "")),
        "stock_query": request.GET.get("item", "")[:64],
        "stock": counter_stock(request.user, query=request.GET.get("item", "")),
    }
    return TemplateResponse(request, "admin/counter.html", context)


def _back(request, **query):
    url = reverse("admin:counter")
    query = {key: value for key, value in query.items() if value}
    return redirect(f"{url}?{urlencode(query)}" if query else url)


def act(site, request):
    """One tap: confirm, mark ready or hand over one reservation of the user's shops."""
    _shop_staff(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    action = ACTIONS.get(request.POST.get("action", ""))
    code = request.POST.get("code", "").strip().upper()[:16]
    found = reservations_handled_by(request.user).filter(code=code).first()
    if action is None or found is None:
        raise Http404(_("No such reservation at your shops."))
    try:
        moved = action(reservation_id=found.pk, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{moved.code}: {moved.shopper_status()}")
    return _back(request)


def correct_stock(site, request, level_id):
    """Set one item's count at one of the user's shops (never below the held units)."""
    _shop_staff(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    mine = stock_visible_to(request.user).filter(
        outlet__retailer_id__in=retailers_acted_for(request.user)
    )
    level = mine.select_related("variant").filter(pk=level_id).first()
    if level is None:
        raise Http404(_("No such item at your shops."))
    item = request.POST.get("item", "")
    try:
        on_hand = int(request.POST.get("on_hand", ""))
    except ValueError:
        messages.error(request, _("Enter the count as a whole number."))
        return _back(request, item=item)
    try:
        inventory_services.set_on_hand(level_id=level.pk, on_hand=on_hand, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(sku)s: %(count)d on hand.") % {"sku": level.variant.sku, "count": on_hand},
        )
    return _back(request, item=item)
