from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .integrations import integration_for_token


class IntegrationUser:
    """The request.user of a POS integration: authenticated, no Django permissions."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False

    def __init__(self, integration):
        from o2o.core.tenancy import Tenancy

        self.integration = integration
        self.pk = None
        # the integration's tenancy: its retailer, or its brand (read-only there)
        retailers = frozenset([integration.retailer_id]) if integration.retailer_id else frozenset()
        brands = frozenset([integration.brand_id]) if integration.brand_id else frozenset()
        self._o2o_tenancy = Tenancy(retailer_ids=retailers, brand_ids=brands)

    def __str__(self):
        return f"integration:{self.integration.pk}"


class IntegrationTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>` (or `Token <token>`) of a POS integration."""

    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace")
        parts = header.split()
        if not parts or parts[0].lower() not in self.keywords:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed Authorization header."))
        integration = integration_for_token(parts[1])
        if integration is None:
            raise exceptions.AuthenticationFailed(_("Unknown or revoked token."))
        return IntegrationUser(integration), integration

    def authenticate_header(self, request):
        return 'Bearer realm="o2o"'
