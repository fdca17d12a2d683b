"""Launch pages: interest before the start, then the queue: join, wait your turn (the page
follows it with HTMX, or refreshes itself without JavaScript), reserve when it comes."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from o2o.core.clientip import client_ip
from o2o.core.errors import DomainError
from o2o.launches import queue
from o2o.launches import services as launch_services
from o2o.launches.selectors import launch_for_shopper, launch_shops, launch_variants
from o2o.outlets.selectors import outlet_by_code
from o2o.reservations import services as reservation_services

from .forms import BackInStockForm, LaunchReserveForm
from .views import _fragment, _remember_code


def _cookie(launch):
    return f"o2o_queue_{launch.pk}"


def _found(brand_slug, product_slug):
    found = launch_for_shopper(brand_slug=brand_slug, product_slug=product_slug)
    if found is None:
        raise Http404(_("No such launch."))
    return found


def launch(request, brand_slug, product_slug):
    """Before the start: when it starts, and a form to be told then (in the shopper's
    language). While the queue is open: a form to join it. Afterwards: the product."""
    found = _found(brand_slug, product_slug)
    now = timezone.now()
    queueing = found.queue_open_at(now)
    form = BackInStockForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if queueing:
                    return _join(request, found, form.cleaned_data["email"])
                launch_services.register_interest(
                    launch=found,
                    email=form.cleaned_data["email"],
                    language=get_language() or settings.LANGUAGE_CODE,
                    ip=client_ip(request),
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("We will e-mail you when it starts."))
                return redirect(request.path)
        status = 400
    context = {
        "launch": found,
        "form": form,
        "queueing": queueing,
        "started": found.starts_at <= now,
    }
    return render(request, "storefront/launch.html", context, status=status)


def _join(request, found, email):
    ticket, _created = queue.join(
        launch=found,
        email=email,
        language=get_language() or settings.LANGUAGE_CODE,
        ip=client_ip(request),
    )
    response = redirect("storefront:launch-queue", found.brand.slug, found.product.slug)
    response.set_cookie(
        _cookie(found),
        queue.sign(ticket),
        max_age=int((found.queue_closes_at - timezone.now()).total_seconds()) + 3600,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def launch_queue(request, brand_slug, product_slug):
    """The shopper's place; once admitted, the reservation form."""
    found = _found(brand_slug, product_slug)
    try:
        ticket = queue.ticket_from(request.COOKIES.get(_cookie(found), ""), launch=found)
    except DomainError:
        messages.info(request, _("Join the queue first."))
        return redirect("storefront:launch", brand_slug, product_slug)
    place = queue.place(ticket=ticket, fresh=True)  # `found` was just read
    form = None
    status = 200
    if place.state == "admitted":
        form = LaunchReserveForm(
            request.POST if request.method == "POST" else None,
            variants=launch_variants(launch=found),
            shops=launch_shops(launch=found),
            units=ticket.held,
        )
        if request.method == "POST":
            if form.is_valid():
                reservation = _reserve(request, form, ticket, found)
                if reservation is not None:
                    _remember_code(request, reservation.code)
                    return redirect("storefront:reservation", code=reservation.code)
            status = 400
    elif place.state == "used" and ticket.reservation_id:
        _remember_code(request, ticket.reservation.code)
    context = {"launch": found, "place": place, "form": form}
    template = _fragment(request, "storefront/launch_queue.html", "queue-place")
    return render(request, template, context, status=status)


def _reserve(request, form, ticket, found):
    data = form.cleaned_data
    variant = next(v for v in launch_variants(launch=found) if v.pk == data["variant"])
    outlet = outlet_by_code(code=data["outlet"])
    if outlet is None:
        raise Http404
    try:
        reservation_services.check_reservation_rate(ip=client_ip(request), email=None)
        return queue.reserve(
            ticket=ticket,
            outlet=outlet,
            variant=variant,
            quantity=data["quantity"],
            shopper_name=data["shopper_name"],
            shopper_phone=data["shopper_phone"],
            shopper=request.user,
        )
    except DomainError as exc:
        field = next((name for name in exc.details if name in form.fields), None)
        form.add_error(field, exc.message)
        return None
