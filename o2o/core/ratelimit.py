"""A fixed-window counter in the cache, for throttling writes shoppers can repeat."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache

from .cache import add_then_incr, add_then_incr_many
from .errors import DomainError


class TooManyRequests(DomainError):
    code = "throttled"
    status = 429
    default_message = "Too many attempts: please wait a little and try again."


def _key(scope, identity):
    digest = hashlib.sha256(str(identity).strip().lower().encode()).hexdigest()[:32]
    return f"o2o:rate:{scope}:{digest}"


def attempt_key(scope, identity):
    """The cache key that counts (scope, identity)'s attempts."""
    return _key(scope, identity)


@dataclass
class Attempt:
    """An attempt not yet counted: the request's first cache read counts it in the same
    round trip (`core.cache.count_and_get_many`) and `settle`s it; `refuse` raises the
    client's error when it is past the limit. A request that never makes that read counts
    it with `count_now`."""

    key: str
    window: int
    limit: int
    refuse: Callable[[], None]
    counted: bool = False

    def settle(self, count: int | None) -> None:
        """Record the count the read came back with (None: the cache is away, let it in)."""
        self.counted = True
        if count is not None and count > self.limit:
            self.refuse()

    def count_now(self) -> None:
        self.settle(_counted(self.key, self.window))


def _counted(key, window):
    """One more attempt under `key`: the new count, or None when the cache is away (or the
    key expired between add and incr), which lets the attempt in."""
    try:
        return add_then_incr(key, 0, window)
    except ValueError:
        return None


def peek_attempts(scope, identity):
    """How many attempts (scope, identity) made in the current window, without counting."""
    return cache.get(_key(scope, identity), 0) or 0


def count_attempt(scope, identity, *, window):
    """Count one attempt for (scope, identity) in the current window; return the count."""
    count = _counted(_key(scope, identity), window)
    return 1 if count is None else count


def hit(scope, identity, *, limit, window):
    """Count one attempt for (scope, identity); raise TooManyRequests past `limit`."""
    if count_attempt(scope, identity, window=window) > limit:
        raise TooManyRequests()


def hit_each(attempts, *, window):
    """`hit` for each (scope, identity, limit) of `attempts`, counted in one round trip."""
    keys = [_key(scope, identity) for scope, identity, _limit in attempts]
    try:
        counts = add_then_incr_many(keys, 0, window)
    except ValueError:  # as in count_attempt: the cache is away, let the request in
        return
    if any(count > limit for count, (*_, limit) in zip(counts, attempts, strict=True)):
        raise TooManyRequests()
