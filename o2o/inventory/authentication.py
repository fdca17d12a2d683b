from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .services import integration_for_token


class IntegrationUser:
    """The request.user of a POS integration: authenticated, no Django permissions."""

    is_authenticated = True
    is_anonymous = False
    is_staff = False

    def __init__(self, integration):
        self.integration = integration
        self.pk = None

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
