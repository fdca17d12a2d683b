"""Retailer people: the owner invites and removes staff."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from o2o.core.errors import DomainError
from o2o.core.generations import availability_changed
from o2o.core.models import User

from .models import RetailerMembership
from .signals import staff_invited

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from .models import Retailer


class MembershipError(DomainError):
    code = "membership_error"
    default_message = "This change of the team is not possible."


INVITATION_SALT = "o2o.outlets.invitation"


class InvitationInvalid(DomainError):
    code = "invitation_invalid"
    default_message = "This invitation link is not valid any more: ask for a new one."


def invitation_token(membership: RetailerMembership) -> str:
    return signing.dumps({"m": membership.pk, "u": membership.user_id}, salt=INVITATION_SALT)


def invitation_url(membership: RetailerMembership) -> str:
    path = reverse("accept_invitation", kwargs={"token": invitation_token(membership)})
    return f"{settings.O2O_PUBLIC_URL}{path}"


def pending_invitation(*, token: str) -> RetailerMembership:
    """The membership a signed invitation link is for, while it waits; else InvitationInvalid."""
    try:
        claim = signing.loads(
            token, salt=INVITATION_SALT, max_age=settings.O2O_INVITATION_DAYS * 86_400
        )
        membership = RetailerMembership.objects.select_related("user", "retailer").get(
            pk=claim["m"], user_id=claim["u"]
        )
    except (signing.BadSignature, KeyError, TypeError, RetailerMembership.DoesNotExist) as exc:
        raise InvitationInvalid() from exc
    if membership.accepted_at is not None:
        raise InvitationInvalid(_("This invitation was already accepted: sign in instead."))
    return membership


@transaction.atomic
def accept_invitation(*, token: str, password: str) -> RetailerMembership:
    """Whoever opens the link proves the address: they set the account's password (an
    account someone else opened with that address loses its old password and sessions),
    and only then does the membership grant anything. The link works once."""
    membership = pending_invitation(token=token)
    membership = RetailerMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.accepted_at is not None:
        raise InvitationInvalid(_("This invitation was already accepted: sign in instead."))
    user = membership.user
    user.set_password(password)
    user.is_staff = True
    user.save(update_fields=["password", "is_staff"])
    membership.accepted_at = timezone.now()
    membership.save(update_fields=["accepted_at", "updated_at"])
    return membership


@transaction.atomic
def invite_staff(
    *,
    retailer: Retailer,
    email: str,
    role: str = RetailerMembership.Role.STAFF,
    invited_by: Any = None,
    language: str | None = None,
) -> RetailerMembership:
    """Invite a person to a retailer's team by e-mail. The membership waits (grants nothing)
    until the link sent to that address is opened: an account that already uses the
    address gets no access by itself."""
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(username=email[:150], email=email)
        user.set_unusable_password()
        user.save()
    membership, created = RetailerMembership.objects.get_or_create(
        user=user, retailer=retailer, defaults={"role": role, "accepted_at": None}
    )
    if not created:
        raise MembershipError(_("%(email)s is already in the team.") % {"email": email})
    language = language or get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(
        lambda: staff_invited.send(
            sender=RetailerMembership,
            membership_id=membership.pk,
            invited_by_id=getattr(invited_by, "pk", None),
            language=language,
        )
    )
    return membership


@transaction.atomic
def remove_staff(*, membership_id: int, removed_by: Any = None) -> None:
    """Take a person off a retailer's team; the last owner stays."""
    membership = (
        RetailerMembership.objects.select_for_update().select_related("user").get(pk=membership_id)
    )
    if membership.role == RetailerMembership.Role.OWNER:
        owners = RetailerMembership.objects.filter(
            retailer_id=membership.retailer_id, role=RetailerMembership.Role.OWNER
        ).count()
        if owners <= 1:
            raise MembershipError(_("The last owner cannot be removed."))
    user = membership.user
    membership.delete()
    still_member = user.retailer_memberships.exists() or user.brand_memberships.exists()
    if not still_member and not user.is_superuser:
        user.is_staff = False
        user.save(update_fields=["is_staff"])


def set_authorizations_active(*, authorizations: QuerySet, active: bool) -> int:
    """Suspend or reactivate outlets for a brand (the shop itself stays as it is)."""
    changed = authorizations.exclude(is_active=active).update(is_active=active)
    if changed:
        availability_changed()
    return changed
