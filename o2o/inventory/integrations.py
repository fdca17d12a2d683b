"""POS integrations: tokens for a retailer's or a brand's point-of-sale systems. Only a
token's hash is stored; the raw token is shown once, when created or rotated."""

import secrets

from django.utils import timezone

from .models import Integration, hash_token

TOKEN_PREFIX_LENGTH = 8


def _new_token():
    return f"o2o_{secrets.token_urlsafe(32)}"


def create_integration(*, name, retailer=None, brand=None):
    """Create a POS integration for a retailer or a brand; returns (integration, raw token).

    Only the token's hash is stored: the raw token is shown once."""
    if (retailer is None) == (brand is None):
        raise ValueError("An integration belongs to a retailer or to a brand.")
    raw = _new_token()
    integration = Integration.objects.create(
        retailer=retailer,
        brand=brand,
        name=name,
        token_prefix=raw[:TOKEN_PREFIX_LENGTH],
        token_hash=hash_token(raw),
    )
    return integration, raw


def rotate_token(*, integration_id):
    """Replace an integration's token (the old one stops working at once); returns it raw."""
    raw = _new_token()
    Integration.objects.filter(pk=integration_id).update(
        token_prefix=raw[:TOKEN_PREFIX_LENGTH],
        token_hash=hash_token(raw),
        is_active=True,
        rotated_at=timezone.now(),
    )
    return raw


def revoke_token(*, integration_id):
    Integration.objects.filter(pk=integration_id).update(is_active=False)


def integration_for_token(raw):
    """The active integration with this token, or None."""
    if not raw:
        return None
    integration = (
        Integration.objects.select_related("retailer", "brand")
        .filter(token_hash=hash_token(raw), is_active=True)
        .first()
    )
    if integration is not None:
        Integration.objects.filter(pk=integration.pk).update(last_used_at=timezone.now())
    return integration
