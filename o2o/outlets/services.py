"""Retailer people: the owner invites and removes staff."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from o2o.core.errors import DomainError
from o2o.core.models import User
from o2o.locator.freshness import availability_changed

from .models import RetailerMembership


class MembershipError(DomainError):
    code = "membership_error"
    default_message = "This change of the team is not possible."


def set_password_url(user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return f"{settings.O2O_PUBLIC_URL}{path}"


@transaction.atomic
def invite_staff(*, retailer, email, role=RetailerMembership.Role.STAFF, invited_by=None):
    """Add a person to a retailer's team and e-mail them a link to set their password."""
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(username=email[:150], email=email, is_staff=True)
        user.set_unusable_password()
        user.save()
    elif not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    membership, created = RetailerMembership.objects.get_or_create(
        user=user, retailer=retailer, defaults={"role": role}
    )
    if not created:
        raise MembershipError(_("%(email)s is already in the team.") % {"email": email})
    context = {
        "retailer": retailer,
        "user": user,
        "invited_by": invited_by,
        "url": set_password_url(user),
        "admin_url": f"{settings.O2O_PUBLIC_URL}/admin/",
    }
    transaction.on_commit(
        lambda: send_mail(
            _("You are invited to %(retailer)s on o2o") % {"retailer": retailer.name},
            render_to_string("notifications/staff_invitation.txt", context),
            None,
            [email],
        )
    )
    return membership


@transaction.atomic
def remove_staff(*, membership_id, removed_by=None):
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


def set_authorizations_active(*, authorizations, active):
    """Suspend or reactivate outlets for a brand (the shop itself stays as it is)."""
    changed = authorizations.exclude(is_active=active).update(is_active=active)
    if changed:
        availability_changed()
    return changed
