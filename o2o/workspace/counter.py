"""The shop counter: the workspace on a phone. Today's reservations by state with one tap
to move each on, hand-over by scanning the shopper's QR code (or typing the code), and a
quick correction of one item's count. Same login and tenancy as the rest of the admin."""

from django import forms
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
from o2o.reservations import services as reservation_services
from o2o.reservations.selectors import reservations_handled_by

from .selectors import counter_queue, counter_stock, own_stock

ACTIONS = {
    "confirm": reservation_services.confirm,
    "ready": reservation_services.mark_ready,
    "collect": reservation_services.collect,
}


class FindForm(forms.Form):
    """What the counter is asked to find; Django's fields refuse NUL bytes and overlong
    text, so nothing a database cannot store reaches a query."""

    code = forms.CharField(max_length=16, required=False, strip=True)
    item = forms.CharField(max_length=64, required=False, strip=True)

    def value(self, name):
        return self.cleaned_data.get(name, "") if self.is_valid() else ""


class ActForm(forms.Form):
    code = forms.CharField(max_length=16)
    action = forms.ChoiceField(choices=[(name, name) for name in ACTIONS])


class CountForm(forms.Form):
    on_hand = forms.IntegerField(min_value=0)


def _shop_staff(request):
    tenancy = tenancy_of(request.user)
    if not (tenancy.is_superuser or tenancy.is_retailer):
        raise PermissionDenied(_("The counter is for shop staff."))


def counter(site, request):
    _shop_staff(request)
    find = FindForm(request.GET)
    context = {
        **site.each_context(request),
        "title": _("Counter"),
        **counter_queue(request.user, code=find.value("code")),
        "stock_query": find.value("item"),
        "stock": counter_stock(request.user, query=find.value("item")),
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
    form = ActForm(request.POST)
    found = None
    if form.is_valid():
        code = form.cleaned_data["code"].upper()
        found = reservations_handled_by(request.user).filter(code=code).first()
    if found is None:
        raise Http404(_("No such reservation at your shops."))
    try:
        moved = ACTIONS[form.cleaned_data["action"]](reservation_id=found.pk, user=request.user)
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
    level = own_stock(request.user).select_related("variant").filter(pk=level_id).first()
    if level is None:
        raise Http404(_("No such item at your shops."))
    form = CountForm(request.POST)
    item = FindForm(request.POST).value("item")  # the search to go back to
    if not form.is_valid():
        messages.error(request, _("Enter the count as a whole number."))
        return _back(request, item=item)
    on_hand = form.cleaned_data["on_hand"]
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
