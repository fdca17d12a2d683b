"""Sign-in protection beyond django-axes' (username, address) lockout: one address failing
for many usernames is slowed down (password spraying), counted in the cache; without the
cache this counter is skipped and axes, in the database, still locks."""

import logging

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpResponse
from django.template.loader import render_to_string

from .clientip import client_ip
from .ratelimit import count_attempt, peek_attempts

logger = logging.getLogger(__name__)
SPRAY_SCOPE = "login-ip"


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("email") or kwargs.get("username")
        address = client_ip(request) if request is not None else None
        window = settings.O2O_LOGIN_LOCKOUT_SECONDS
        if (
            address
            and peek_attempts(SPRAY_SCOPE, address) >= settings.O2O_LOGIN_MAX_FAILURES_PER_IP
        ):
            logger.warning("sign-in refused: %s failed too often for many usernames", address)
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None and address:
            count_attempt(SPRAY_SCOPE, address, window=window)
        return user


def locked_out(request, credentials, *args, **kwargs):
    """django-axes' answer to a locked (username, address): the form again, with why."""
    body = render_to_string("admin/locked_out.html", request=request)
    return HttpResponse(body, status=429)
