"""Onboarding partner outlets: applications (submit, duplicates, review) and bulk imports."""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from o2o.core.errors import DomainError
from o2o.core.geo import bounding_box, haversine_km

from .models import (
    ApplicationDocument,
    Outlet,
    OutletApplication,
    OutletAuthorization,
    Retailer,
    RetailerMembership,
    default_zone,
)
from .selectors import retailers_known_by
from .services import invite_staff
from .signals import application_decided, outlet_joined

DOCUMENT_TYPES = {"application/pdf", "image/jpeg", "image/png"}
DUPLICATE_METRES = 50
Status = OutletApplication.Status


class ApplicationError(DomainError):
    code = "application_error"
    default_message = "This application cannot be handled that way."


class ApplicationConflict(ApplicationError):
    """The application would join a retailer that did not ask for it (a takeover)."""

    code = "application_conflict"
    status = 409


def existing_retailer_for(tax_id, email):
    """A retailer that already has this tax id or contact e-mail, or None."""
    return retailers_known_by(tax_ids=[tax_id], emails=[email]).order_by("pk").first()


def check_document(upload):
    """A PDF, JPEG or PNG up to O2O_APPLICATION_MAX_DOCUMENT_BYTES, by content, not name."""
    head = upload.read(8)
    upload.seek(0)
    kind = (
        "application/pdf"
        if head.startswith(b"%PDF")
        else "image/png"
        if head.startswith(b"\x89PNG")
        else "image/jpeg"
        if head.startswith(b"\xff\xd8\xff")
        else None
    )
    if kind is None:
        raise ApplicationError(
            _("%(name)s is not a PDF, JPEG or PNG file.") % {"name": upload.name}
        )
    if upload.size > settings.O2O_APPLICATION_MAX_DOCUMENT_BYTES:
        raise ApplicationError(
            _("%(name)s is larger than %(mb)d MB.")
            % {"name": upload.name, "mb": settings.O2O_APPLICATION_MAX_DOCUMENT_BYTES // 2**20}
        )
    return kind


@transaction.atomic
def submit_application(*, brand, documents=(), **fields):
    """A shop applies to become a brand's partner outlet (public form)."""
    kinds = [check_document(upload) for upload in documents]
    application = OutletApplication.objects.create(brand=brand, consent_at=timezone.now(), **fields)
    for upload, kind in zip(documents, kinds, strict=True):
        ApplicationDocument.objects.create(
            application=application, file=upload, content_type=kind, size=upload.size
        )
    application.duplicate_reasons = find_duplicates(application)
    application.save(update_fields=["duplicate_reasons"])
    return application


def find_duplicates(application):
    """Why this application may be a shop we already know: same phone, same tax id, or an
    outlet / other application within 50 m."""
    reasons = []
    phone = str(application.phone or "")  # outlets and applications store E.164
    lat, lng = application.latitude, application.longitude
    min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, DUPLICATE_METRES / 1000)
    outlets = Outlet.objects.filter(
        Q(latitude__range=(min_lat, max_lat), longitude__range=(min_lng, max_lng))
        | (Q(phone=phone) if phone else Q(pk__in=[]))
        | (Q(retailer__tax_id=application.tax_id) if application.tax_id else Q(pk__in=[]))
    ).select_related("retailer")[:20]
    for outlet in outlets:
        if application.outlet_id == outlet.pk:
            continue
        if phone and str(outlet.phone) == phone:
            reasons.append(_("same phone as outlet %(code)s") % {"code": outlet.code})
        elif application.tax_id and outlet.retailer.tax_id == application.tax_id:
            reasons.append(_("same tax id as retailer %(name)s") % {"name": outlet.retailer.name})
        elif haversine_km(lat, lng, outlet.latitude, outlet.longitude) * 1000 <= DUPLICATE_METRES:
            reasons.append(_("within 50 m of outlet %(code)s") % {"code": outlet.code})
    others = (
        OutletApplication.objects.filter(brand_id=application.brand_id)
        .exclude(pk=application.pk)
        .exclude(status=Status.REJECTED)
        .filter(
            Q(latitude__range=(min_lat, max_lat), longitude__range=(min_lng, max_lng))
            | (Q(phone=phone) if phone else Q(pk__in=[]))
            | (Q(tax_id=application.tax_id) if application.tax_id else Q(pk__in=[]))
        )[:20]
    )
    for other in others:
        reasons.append(
            _("like application #%(id)s (%(name)s)") % {"id": other.pk, "name": other.outlet_name}
        )
    return reasons


def _outlet_code(city, name):
    base = slugify(f"{city}-{name}")[:30].strip("-") or "outlet"
    code = base
    while Outlet.objects.filter(code=code).exists():
        code = f"{base}-{get_random_string(4, 'abcdefghjkmnpqrstuvwxyz23456789')}"
    return code


def approve_application(*, application_id, user=None):
    """Create the retailer, the outlet, the authorisation, and invite the owner: all or
    nothing, in one transaction (mail goes from Celery after commit); approving twice
    returns the same outlet. An application naming an existing retailer is refused and
    flagged for review instead of joining it."""
    try:
        return _approve(application_id, user)
    except ApplicationConflict as conflict:
        application = OutletApplication.objects.get(pk=application_id)
        if conflict.flag not in application.duplicate_reasons:
            application.duplicate_reasons = [*application.duplicate_reasons, conflict.flag]
            application.save(update_fields=["duplicate_reasons", "updated_at"])
        raise


@transaction.atomic
def _approve(application_id, user):
    application = OutletApplication.objects.select_for_update().get(pk=application_id)
    if application.status == Status.APPROVED:
        return application
    if application.status == Status.REJECTED:
        raise ApplicationError(_("A rejected application cannot be approved."))
    existing = existing_retailer_for(application.tax_id, application.contact_email)
    if existing is not None:
        reason = _(
            "names the existing retailer %(name)s (same tax id or e-mail): an application "
            "never joins a retailer without its consent; its owner adds outlets from their "
            "workspace"
        ) % {"name": existing.name}
        conflict = ApplicationConflict(_("This application %(reason)s.") % {"reason": reason})
        conflict.flag = reason
        raise conflict
    retailer = Retailer.objects.create(
        name=application.business_name,
        contact_email=application.contact_email,
        tax_id=application.tax_id,
        slug=f"{slugify(application.business_name)[:60]}-{get_random_string(5).lower()}",
    )
    outlet = Outlet.objects.create(
        retailer=retailer,
        code=_outlet_code(application.city, application.outlet_name),
        name=application.outlet_name,
        address=application.address,
        city=application.city,
        postcode=application.postcode,
        country=application.country,
        latitude=application.latitude,
        longitude=application.longitude,
        phone=application.phone,
        timezone=default_zone(application.country),
    )
    OutletAuthorization.objects.update_or_create(
        outlet=outlet, brand_id=application.brand_id, defaults={"is_active": True}
    )
    outlet_joined.send(sender=Outlet, outlet_id=outlet.pk, brand_id=application.brand_id)
    invite_staff(
        retailer=retailer,
        email=application.contact_email,
        role=RetailerMembership.Role.OWNER,
        invited_by=user,
        language=application.language,
    )
    application.status, application.retailer, application.outlet = (
        Status.APPROVED,
        retailer,
        outlet,
    )
    application.decided_by, application.decided_at = user, timezone.now()
    application.save()
    return application


def _decide(application_id, status, user, note):
    if not note.strip():
        raise ApplicationError(_("Give the applicant a reason."))
    with transaction.atomic():
        application = OutletApplication.objects.select_for_update().get(pk=application_id)
        if application.status == Status.APPROVED:
            raise ApplicationError(_("This application is already approved."))
        application.status, application.decision_note = status, note.strip()
        application.decided_by, application.decided_at = user, timezone.now()
        application.save()
        transaction.on_commit(  # notifications e-mail the reason, in the applicant's language
            lambda: application_decided.send(
                sender=OutletApplication, application_id=application.pk
            )
        )
    return application


def reject_application(*, application_id, user=None, reason=""):
    return _decide(application_id, Status.REJECTED, user, reason)


def request_changes(*, application_id, user=None, note=""):
    return _decide(application_id, Status.CHANGES_REQUESTED, user, note)
