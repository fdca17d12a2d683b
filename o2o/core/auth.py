"""Sign-in protection: after O2O_LOGIN_MAX_FAILURES failures a username is locked for
O2O_LOGIN_LOCKOUT_SECONDS (counted in the cache, shared by all web processes on Redis)."""

import hashlib
import logging

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

logger = logging.getLogger(__name__)


def _key(username):
    digest = hashlib.sha256((username or "").strip().lower().encode()).hexdigest()[:32]
    return f"o2o:login-failures:{digest}"


def is_locked(username):
    return cache.get(_key(username), 0) >= settings.O2O_LOGIN_MAX_FAILURES


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("email") or kwargs.get("username")
        if is_locked(username):
            logger.warning("sign-in refused: %s is locked after too many failures", username)
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        key = _key(username)
        if user is None:
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, settings.O2O_LOGIN_LOCKOUT_SECONDS)
        else:
            cache.delete(key)
        return user
