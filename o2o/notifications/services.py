"""Every message o2o sends (to shoppers, applicants, invited staff and retailers' owners),
rendered and sent from Celery, in the language of the person it is for."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from o2o.inventory.models import StockFeed, SyncRun
from o2o.launches.models import Launch, LaunchInterest
from o2o.outlets.models import OutletApplication, RetailerMembership
from o2o.outlets.services import invitation_url
from o2o.reservations.models import Reservation
from o2o.reservations.selectors import reservation_detail

from .delivery import deliver_mail, deliver_sms

logger = logging.getLogger(__name__)


def _reservation(reservation_id: int) -> tuple[Any, dict[str, Any]] | None:
    code = Reservation.objects.filter(pk=reservation_id).values_list("code", flat=True).first()
    reservation = reservation_detail(code=code) if code else None
    if reservation is None:
        return None
    url = f"{settings.O2O_PUBLIC_URL}/reservations/{reservation.code}/"
    return reservation, {"reservation": reservation, "url": url}


def send_reservation_status(*, reservation_id: int) -> bool:
    """E-mail the shopper the reservation's current status, in the language the reservation
    was made in. The text message is its own task (`send_reservation_sms`), so a gateway
    that is down never sends the e-mail twice."""
    found = _reservation(reservation_id)
    if found is None:
        return False
    reservation, context = found
    with translation.override(reservation.language or settings.LANGUAGE_CODE):
        subject = _("Reservation %(code)s: %(status)s") % {
            "code": reservation.code,
            "status": reservation.shopper_status(),
        }
        body = render_to_string("notifications/reservation_status.txt", context)
    deliver_mail(subject=subject, body=body, recipients=[reservation.shopper_email])
    logger.info(
        "reservation status sent",
        extra={"reservation": reservation.code, "status": reservation.status},
    )
    return True


def send_reservation_sms(*, reservation_id: int) -> bool:
    """Text the shopper the reservation's current status (when they left a number)."""
    found = _reservation(reservation_id)
    if found is None or not found[0].shopper_phone:
        return False
    reservation, context = found
    with translation.override(reservation.language or settings.LANGUAGE_CODE):
        sms = render_to_string("notifications/reservation_status_sms.txt", context).strip()
    deliver_sms(to=str(reservation.shopper_phone), body=sms)
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
    deliver_mail(subject=subject, body=body, recipients=[request.email])


def send_staff_invitation(*, membership_id: int, language: str) -> bool:
    """E-mail an invited person the one-time link that lets them join the retailer's team."""
    membership = (
        RetailerMembership.objects.select_related("user", "retailer")
        .filter(pk=membership_id, accepted_at__isnull=True)
        .first()
    )
    if membership is None:  # accepted or removed meanwhile: nothing to tell
        return False
    context = {
        "retailer": membership.retailer,
        "user": membership.user,
        "url": invitation_url(membership),
        "admin_url": f"{settings.O2O_PUBLIC_URL}/admin/",
        "days": settings.O2O_INVITATION_DAYS,
    }
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = _("You are invited to %(retailer)s on o2o") % {
            "retailer": membership.retailer.name
        }
        body = render_to_string("notifications/staff_invitation.txt", context)
    return bool(deliver_mail(subject=subject, body=body, recipients=[membership.user.email]))


def send_application_decision(*, application_id: int) -> bool:
    """E-mail an applicant the brand's decision and its reason, in the applicant's language."""
    application = (
        OutletApplication.objects.select_related("brand").filter(pk=application_id).first()
    )
    if application is None:
        return False
    with translation.override(application.language or settings.LANGUAGE_CODE):
        subject = _("Your application to %(brand)s") % {"brand": application.brand.name}
        body = render_to_string(
            "notifications/application_decision.txt", {"application": application}
        )
    return bool(deliver_mail(subject=subject, body=body, recipients=[application.contact_email]))


def send_sync_run_failed(*, sync_run_id: int) -> bool:
    """Tell a retailer's contact and owners that a stock sync run failed."""
    run = SyncRun.objects.select_related("retailer", "outlet").filter(pk=sync_run_id).first()
    if run is None or run.retailer is None:
        return False
    context = {
        "run": run,
        "url": f"{settings.O2O_PUBLIC_URL}/admin/inventory/syncrun/{run.pk}/",
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Stock sync #%(id)s failed") % {"id": run.pk}
        body = render_to_string("notifications/sync_failed.txt", context)
    return _tell_owners(retailer=run.retailer, subject=subject, body=body)


def send_feed_paused(*, feed_id: int, reason: str) -> bool:
    """Tell a retailer's contact and owners that o2o stopped pulling their stock feed."""
    feed = StockFeed.objects.select_related("retailer").filter(pk=feed_id).first()
    if feed is None:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Stock feed paused: %(url)s") % {"url": feed.url}
        body = render_to_string("notifications/feed_paused.txt", {"feed": feed, "reason": reason})
    return _tell_owners(retailer=feed.retailer, subject=subject, body=body)


def _tell_owners(*, retailer: Any, subject: str, body: str) -> bool:
    """One message to a retailer's contact address and its owners who joined."""
    recipients = set(
        RetailerMembership.objects.filter(
            retailer=retailer, role=RetailerMembership.Role.OWNER, accepted_at__isnull=False
        ).values_list("user__email", flat=True)
    )
    recipients.add(retailer.contact_email)
    return bool(deliver_mail(subject=subject, body=body, recipients=sorted(recipients)))


LAUNCH_BATCH = 500


def send_launch_opened(*, launch_id: int) -> int:
    """Tell every shopper who registered interest that the launch has started, each in
    their language, once (a retried task skips those already told); returns how many."""
    launch = Launch.objects.select_related("product", "brand").filter(pk=launch_id).first()
    if launch is None:
        return 0
    url = f"{settings.O2O_PUBLIC_URL}/{launch.brand.slug}/{launch.product.slug}/"
    told = 0
    while True:
        batch = list(
            LaunchInterest.objects.filter(launch=launch, notified_at__isnull=True).order_by("pk")[
                :LAUNCH_BATCH
            ]
        )
        if not batch:
            return told
        for interest in batch:
            with translation.override(interest.language or settings.LANGUAGE_CODE):
                subject = _("%(product)s is on sale now") % {"product": launch.product.name}
                body = render_to_string(
                    "notifications/launch_opened.txt", {"launch": launch, "url": url}
                )
            deliver_mail(subject=subject, body=body, recipients=[interest.email])
            LaunchInterest.objects.filter(pk=interest.pk).update(notified_at=timezone.now())
            told += 1
