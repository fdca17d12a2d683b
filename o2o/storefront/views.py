"""Shopper pages. Thin: forms validate, selectors read, services write."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from o2o.catalogue import services as catalogue_services
from o2o.catalogue.selectors import (
    active_brands,
    categories_of,
    listing_for_shopper,
    photos_for,
    product_for_shopper,
    published_products,
    shoppable_variants,
    variant_facets,
)
from o2o.core.clientip import client_ip
from o2o.core.errors import DomainError
from o2o.core.generations import remembered_until_anything_changes, shopper_read
from o2o.locator.geocoding import city_labels, locate_city, locate_postcode, suggest_cities
from o2o.locator.selectors import cached_stock_near, products_in_stock_near, stock_near
from o2o.locator.services import record_demand, request_back_in_stock
from o2o.outlets import onboarding
from o2o.outlets.models import Outlet
from o2o.reservations import services as reservation_services
from o2o.reservations.errors import InsufficientStock
from o2o.reservations.selectors import (
    reservation_detail,
    reservation_for_shopper,
    reservations_of_shopper,
)

from . import shopper_accounts
from .forms import (
    BackInStockForm,
    CatalogueFilterForm,
    LocationForm,
    LookupForm,
    ReservationForm,
    SignupForm,
)
from .partner_forms import PartnerApplicationForm
from .presenters import map_data, nearby_rows, product_json_ld, qr_svg, timeline

SESSION_CODES = "reservation_codes"
SESSION_PLACE = "shopper_place"


def _remember_code(request, code):
    codes = request.session.get(SESSION_CODES, [])
    if code not in codes:
        request.session[SESSION_CODES] = [*codes, code][-20:]


def _place(request):
    return request.session.get(SESSION_PLACE)


def _fragment(request, template, target):
    return f"{template}#{target}" if request.htmx and request.htmx.target == target else template


@shopper_read
def brand_list(request):
    return render(request, "storefront/brand_list.html", {"brands": active_brands()})


@shopper_read
def catalogue(request, brand_slug):
    brand = get_object_or_404(active_brands(), slug=brand_slug)
    place = _place(request)
    near = None
    if request.GET.get("near") and place:
        near = (place[0], place[1], settings.O2O_LOCATOR_MAX_RADIUS_KM)
    fragment = "product-list" if request.htmx and request.htmx.target == "product-list" else None
    template = "storefront/_catalogue_body.html" + (f"#{fragment}" if fragment else "")

    def render_body():
        context = _catalogue_context(brand, request.GET, near=near, has_place=bool(place))
        return render_to_string(template, context)

    if near:  # shops' stock changes all the time: only searches without it are cached
        body = render_body()
    else:
        query = urlencode(sorted(request.GET.lists()), doseq=True)
        key = f"catalogue:{brand.pk}:{get_language()}:{fragment}:{query}"
        body = remembered_until_anything_changes(key, render_body)
    if fragment or (request.htmx and request.htmx.target == "catalogue-body"):
        return HttpResponse(body)
    page = {"brand": brand, "body": mark_safe(body)}  # noqa: S308 (our template's own output)
    return render(request, "storefront/catalogue.html", page)


def _catalogue_context(brand, params, *, near, has_place):
    facets = variant_facets(brand, category=params.get("category") or None)
    form = CatalogueFilterForm(
        params or None,
        categories=categories_of(brand),
        facets=facets,
        body_url=reverse("storefront:catalogue", args=[brand.slug]),
    )
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    products = published_products(
        brand=brand,
        query=filters.get("q", ""),
        category=filters.get("category") or None,
        price_min=filters.get("price_min"),
        price_max=filters.get("price_max"),
        attributes=form.chosen_attributes() if filters else {},
        sort=filters.get("sort") or "name",
    )
    if near and filters.get("near"):
        products = products.filter(products_in_stock_near(*near))
    page = Paginator(products, settings.O2O_CATALOGUE_PAGE_SIZE).get_page(params.get("page"))
    query_string = params.copy()
    query_string.pop("page", None)
    return {
        "brand": brand,
        "form": form,
        "page": page,
        "query": filters.get("q", ""),
        "query_string": query_string.urlencode(),
        "near_without_place": bool(filters.get("near")) and not has_place,
    }


@shopper_read
def product_detail(request, brand_slug, product_slug):
    brand = get_object_or_404(active_brands(), slug=brand_slug)
    product = remembered_until_anything_changes(
        f"product:{brand.pk}:{product_slug}",
        lambda: product_for_shopper(brand=brand, slug=product_slug) or False,
    )  # False, not None: "no such product" is cached too
    if not product or not product.active_variants:
        raise Http404(_("No such product."))
    variant = _chosen_variant(product, request.GET.get("variant"))
    queued = product.queued_at(timezone.now())  # cached pages are retired when it closes
    if product.is_discontinued or not product.in_shops or queued:  # no shop search here
        form, nearby, place = LocationForm(), None, None
    else:
        form, nearby, place = _nearby(request, variant)
    photos = photos_for(product, variant)
    json_ld = product_json_ld(
        product=product,
        variant=variant,
        photos=photos,
        nearby=nearby or [],
        place_known=nearby is not None,
    )
    context = {
        "brand": brand,
        "product": product,
        "queued": queued,
        "variant": variant,
        "photos": photos,
        "json_ld": mark_safe(json_ld),  # noqa: S308 (JSON with <, > and & escaped)
        "form": form,
        "nearby": nearby,
        "place": place,
        "back_in_stock_form": BackInStockForm(),
        "map_data": map_data(_place(request), nearby),
    }
    template = "storefront/product.html"
    if request.htmx and request.htmx.target in ("nearby", "variant-panel"):
        return render(request, f"{template}#{request.htmx.target}", context)
    if nearby is None and not form.is_bound:  # nothing about this shopper: the same for all
        key = f"product-body:{product.pk}:{variant.pk}:{get_language()}:{request.path}"
        body = remembered_until_anything_changes(
            key, lambda: render_to_string(f"{template}#product-body", context, request)
        )
        context["body"] = mark_safe(body)  # noqa: S308 (the template's own output, cached)
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
    elif not searched and _place(request):
        place = _place(request)
    else:
        return form, None, None
    lat, lng, label = place
    hits = cached_stock_near(variant=variant, lat=lat, lng=lng)
    if searched:
        record_demand(variant=variant, lat=lat, lng=lng, results=len(hits))
    return form, nearby_rows(hits, now=timezone.now()), label


def place_suggestions(request):
    """<option>s for the city field's datalist (HTMX, as the shopper types)."""
    names = suggest_cities(request.GET.get("city", "")[:60])
    return render(request, "storefront/place_suggestions.html", {"names": names})


@cache_control(max_age=86400, public=True)
def place_labels(request):
    """Big cities for the offline base map's labels (static/js/basemap.js)."""
    return JsonResponse({"cities": city_labels()})


def place_lookup(request):
    """Where a typed city or postcode is, as JSON (the partner form's map centres on it)."""
    text = request.GET.get("city", "")[:120]
    place = locate_postcode(text) or locate_city(text)
    if place is None:
        return JsonResponse({"error": "not_found", "detail": str(_("No such place."))}, status=404)
    return JsonResponse({"name": place.name, "lat": place.latitude, "lng": place.longitude})


@require_POST
def back_in_stock(request, variant_id):
    """Remember a shopper's wish to hear when a variant is available near their last search."""
    variant = get_object_or_404(
        shoppable_variants().select_related("product", "brand"), pk=variant_id
    )
    product_url = (
        reverse("storefront:product", args=[variant.brand.slug, variant.product.slug])
        + f"?variant={variant.pk}"
    )
    form = BackInStockForm(request.POST)
    place = _place(request)
    if not form.is_valid() or not place:
        messages.error(request, _("Enter a valid e-mail address after searching near a place."))
        return redirect(product_url)
    lat, lng, label = place
    request_back_in_stock(
        variant=variant,
        email=form.cleaned_data["email"],
        lat=lat,
        lng=lng,
        place=label,
        language=get_language() or settings.LANGUAGE_CODE,
    )
    messages.success(
        request, _("We will e-mail you when it is available near %(place)s.") % {"place": label}
    )
    return redirect(product_url)


def reserve(request, outlet_code, variant_id):
    outlet = get_object_or_404(Outlet, code=outlet_code, status=Outlet.Status.ACTIVE)
    variant = get_object_or_404(
        shoppable_variants().select_related("product", "brand"), pk=variant_id
    )
    form = ReservationForm(
        request.POST or None,
        outlet=outlet,
        max_units=reservation_services.max_units_per_reservation(variant),
    )
    alternative = None
    if request.method == "POST" and form.is_valid():
        place = _place(request)
        try:
            reservation_services.check_reservation_rate(
                ip=client_ip(request), email=form.cleaned_data["shopper_email"]
            )
            reservation = reservation_services.reserve(
                outlet=outlet,
                variant=variant,
                shopper=request.user,
                language=get_language() or settings.LANGUAGE_CODE,
                **form.cleaned_data,
            )
        except InsufficientStock as exc:
            form.add_error(None, exc.message)
            alternative = _next_shop(variant, outlet, place)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            _remember_code(request, reservation.code)
            return redirect("storefront:reservation", code=reservation.code)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "storefront/reserve.html",
        {"outlet": outlet, "variant": variant, "form": form, "alternative": alternative},
        status=status,
    )


def _next_shop(variant, outlet, place):
    """The nearest other shop that still has the variant, to offer after a lost race."""
    lat, lng = (place[0], place[1]) if place else (outlet.latitude, outlet.longitude)
    for hit in stock_near(variant=variant, lat=lat, lng=lng, limit=2):
        if hit.outlet.pk != outlet.pk:
            return hit
    return None


def _shopper_reservation(request, code):
    mine = (
        request.user.is_authenticated
        and reservations_of_shopper(request.user).filter(code=code).exists()
    )
    if code not in request.session.get(SESSION_CODES, []) and not mine:
        return None
    return reservation_detail(code=code)


def reservation(request, code):
    found = _shopper_reservation(request, code)
    if found is None:
        return redirect("storefront:lookup")
    context = {
        "reservation": found,
        "timeline": timeline(found),
        "qr": qr_svg(found.code, delivery=found.is_delivery),
    }
    return render(
        request, _fragment(request, "storefront/reservation.html", "reservation-status"), context
    )


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
    mine = reservations_of_shopper(request.user)[:50] if request.user.is_authenticated else None
    recent = request.session.get(SESSION_CODES, [])
    return render(
        request,
        "storefront/lookup.html",
        {"form": form, "mine": mine, "recent": list(reversed(recent))},
    )


def signup(request):
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = shopper_accounts.create_shopper(**form.cleaned_data)
        except DomainError as exc:
            form.add_error("email", exc.message)
        else:
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[-1])
            messages.success(request, _("Welcome! Your reservations will be listed here."))
            return redirect("storefront:lookup")
    return render(request, "storefront/signup.html", {"form": form})


def partner_apply(request, brand_slug):
    """Public page: a shop applies to become the brand's partner outlet."""
    brand = get_object_or_404(active_brands(), slug=brand_slug)
    form = PartnerApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("consent", "documents")}
        try:
            onboarding.submit_application(
                brand=brand,
                documents=form.cleaned_data["documents"],
                language=get_language() or settings.LANGUAGE_CODE,
                **data,
            )
        except DomainError as exc:
            form.add_error("documents", exc.message)
        else:
            return render(request, "storefront/partner_thanks.html", {"brand": brand})
    status = 400 if request.method == "POST" else 200
    return render(
        request, "storefront/partner_apply.html", {"brand": brand, "form": form}, status=status
    )


@require_GET
def to_eshop(request, listing_id):
    """A shopper leaving for a partner e-shop: counted (the brand's dashboard), then sent to
    the listing with the brand's tracking parameters. Only stored listings: no open
    redirect."""
    listing = listing_for_shopper(listing_id=listing_id)
    if listing is None:
        raise Http404(_("No such link."))
    catalogue_services.record_click(listing=listing)
    response = HttpResponseRedirect(catalogue_services.tracked_url(listing=listing))
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
