"""Shopper pages. Thin: forms validate, selectors read, services write."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from o2o.catalogue.models import Variant
from o2o.catalogue.selectors import active_brands, product_for_shopper, published_products
from o2o.core.errors import DomainError
from o2o.locator.selectors import stock_near
from o2o.locator.services import record_demand, request_back_in_stock
from o2o.outlets.models import Outlet
from o2o.reservations import services as reservation_services
from o2o.reservations.selectors import reservation_detail, reservation_for_shopper

from .forms import BackInStockForm, LocationForm, LookupForm, ReservationForm

SESSION_CODES = "reservation_codes"
SESSION_PLACE = "shopper_place"


def _remember_code(request, code):
    codes = request.session.get(SESSION_CODES, [])
    if code not in codes:
        request.session[SESSION_CODES] = [*codes, code][-20:]


def brand_list(request):
    return render(request, "storefront/brand_list.html", {"brands": active_brands()})


def catalogue(request, brand_slug):
    brand = get_object_or_404(active_brands(), slug=brand_slug)
    query = request.GET.get("q", "").strip()[:80]
    paginator = Paginator(
        published_products(brand=brand, query=query), settings.O2O_CATALOGUE_PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("page"))
    template = "storefront/catalogue.html"
    if request.htmx and request.htmx.target == "product-list":
        template += "#product-list"
    return render(request, template, {"brand": brand, "query": query, "page": page})


def product_detail(request, brand_slug, product_slug):
    brand = get_object_or_404(active_brands(), slug=brand_slug)
    product = product_for_shopper(brand=brand, slug=product_slug)
    if product is None or not product.active_variants:
        raise Http404(_("No such product."))
    variant = _chosen_variant(product, request.GET.get("variant"))
    form, nearby, place = _nearby(request, variant)
    context = {
        "brand": brand,
        "product": product,
        "variant": variant,
        "form": form,
        "nearby": nearby,
        "place": place,
    }
    template = "storefront/product.html"
    if request.htmx and request.htmx.target == "nearby":
        template += "#nearby"
    return render(request, template, context)


def _chosen_variant(product, raw_id):
    by_id = {str(v.pk): v for v in product.active_variants}
    return by_id.get(raw_id or "", product.active_variants[0])


def _nearby(request, variant):
    """Run the locator when the shopper gave a place (now or earlier in the session)."""
    searched = any(key in request.GET for key in ("city", "lat"))
    form = LocationForm(request.GET if searched else None)
    if searched and form.is_valid():
        place = form.cleaned_data["place"]
        request.session[SESSION_PLACE] = [place[0], place[1], str(place[2])]
    elif not searched and request.session.get(SESSION_PLACE):
        place = request.session[SESSION_PLACE]
    else:
        return form, None, None
    lat, lng, label = place
    nearby = stock_near(variant=variant, lat=lat, lng=lng)
    if searched:
        record_demand(variant=variant, lat=lat, lng=lng, results=len(nearby))
    return form, nearby, label


@require_POST
def back_in_stock(request, variant_id):
    """Remember a shopper's wish to hear when a variant is available near their last search."""
    variant = get_object_or_404(
        Variant.objects.select_related("product", "brand"),
        pk=variant_id,
        is_active=True,
        product__is_published=True,
    )
    product_url = (
        reverse("storefront:product", args=[variant.brand.slug, variant.product.slug])
        + f"?variant={variant.pk}"
    )
    form = BackInStockForm(request.POST)
    place = request.session.get(SESSION_PLACE)
    if not form.is_valid() or not place:
        messages.error(request, _("Enter a valid e-mail address after searching near a place."))
        return redirect(product_url)
    lat, lng, label = place
    request_back_in_stock(
        variant=variant, email=form.cleaned_data["email"], lat=lat, lng=lng, place=label
    )
    messages.success(
        request, _("We will e-mail you when it is available near %(place)s.") % {"place": label}
    )
    return redirect(product_url)


def reserve(request, outlet_code, variant_id):
    outlet = get_object_or_404(Outlet, code=outlet_code, status=Outlet.Status.ACTIVE)
    variant = get_object_or_404(
        Variant.objects.select_related("product", "brand"),
        pk=variant_id,
        is_active=True,
        product__is_published=True,
    )
    form = ReservationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reservation = reservation_services.reserve(
                outlet=outlet, variant=variant, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            _remember_code(request, reservation.code)
            return redirect("storefront:reservation", code=reservation.code)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "storefront/reserve.html",
        {"outlet": outlet, "variant": variant, "form": form},
        status=status,
    )


def _shopper_reservation(request, code):
    if code not in request.session.get(SESSION_CODES, []):
        return None
    return reservation_detail(code=code)


def reservation(request, code):
    found = _shopper_reservation(request, code)
    if found is None:
        return redirect("storefront:lookup")
    template = "storefront/reservation.html"
    if request.htmx and request.htmx.target == "reservation-status":
        template += "#status"
    return render(request, template, {"reservation": found})


@require_POST
def cancel_reservation(request, code):
    found = _shopper_reservation(request, code)
    if found is None:
        return redirect("storefront:lookup")
    try:
        reservation_services.cancel(reservation_id=found.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your reservation is cancelled."))
    return redirect("storefront:reservation", code=code)


def lookup(request):
    form = LookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        found = reservation_for_shopper(**form.cleaned_data)
        if found is not None:
            _remember_code(request, found.code)
            return redirect("storefront:reservation", code=found.code)
        form.add_error(None, _("No reservation matches this code and e-mail."))
    return render(request, "storefront/lookup.html", {"form": form})
