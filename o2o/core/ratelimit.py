"""A fixed-window counter in the cache, for throttling writes shoppers can repeat."""

import hashlib

from django.core.cache import cache

from .errors import DomainError


class TooManyRequests(DomainError):
    code = "throttled"
    status = 429
    default_message = "Too many attempts: please wait a little and try again."


def hit(scope, identity, *, limit, window):
    """Count one attempt for (scope, identity); raise TooManyRequests past `limit`."""
    digest = hashlib.sha256(str(identity).strip().lower().encode()).hexdigest()[:32]
    key = f"o2o:rate:{scope}:{digest}"
    if cache.add(key, 1, window):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, window)
            count = 1
    if count > limit:
        raise TooManyRequests()
