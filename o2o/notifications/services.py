"""Messages to shoppers, sent from Celery."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from o2o.core.mail import send_plain_mail
from o2o.reservations.models import Reservation
from o2o.reservations.selectors import reservation_detail

from .sms import send_sms

logger = logging.getLogger(__name__)


def send_reservation_status(*, reservation_id: int) -> bool:
    """E-mail (and text) the shopper the reservation's current status, in the language the
    reservation was made in."""
    code = Reservation.objects.filter(pk=reservation_id).values_list("code", flat=True).first()
    reservation = reservation_detail(code=code) if code else None
    if reservation is None:
        return False
    context = {
        "reservation": reservation,
        "url": f"{settings.O2O_PUBLIC_URL}/reservations/{reservation.code}/",
    }
    with translation.override(reservation.language or settings.LANGUAGE_CODE):
        subject = _("Reservation %(code)s: %(status)s") % {
            "code": reservation.code,
            "status": reservation.shopper_status(),
        }
        body = render_to_string("notifications/reservation_status.txt", context)
        sms = render_to_string("notifications/reservation_status_sms.txt", context).strip()
    send_plain_mail(subject=subject, body=body, recipients=[reservation.shopper_email])
    send_sms(str(reservation.shopper_phone), sms)
    logger.info(
        "reservation status sent",
        extra={"reservation": reservation.code, "status": reservation.status},
    )
    return True


def send_back_in_stock(*, request: Any, nearest: Any) -> None:
    """Tell a shopper that the variant they asked about is available near them."""
    variant = request.variant
    product = variant.product
    context = {
        "request": request,
        "variant": variant,
        "nearest": nearest,
        "url": f"{settings.O2O_PUBLIC_URL}/{product.brand.slug}/{product.slug}/"
        f"?variant={variant.pk}",
    }
    with translation.override(request.language or settings.LANGUAGE_CODE):
        subject = _("Back in stock near you: %(variant)s") % {"variant": variant}
        body = render_to_string("notifications/back_in_stock.txt", context)
    send_plain_mail(subject=subject, body=body, recipients=[request.email])
