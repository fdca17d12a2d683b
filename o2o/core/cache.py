"""Django's Redis cache, reusing one redis client per connection pool, and degrading
instead of failing when Redis is away.

Django builds a new `redis.Redis` for every cache operation; with redis-py 8 that costs
more than the round trip itself on loopback (measured: ~0.5 ms of a cached API answer's
~2 ms). The client is thread-safe and holds no state besides its pool, so one per pool
is enough.

Everything o2o keeps in the cache can be recomputed (answers, generations, counters), so
when Redis does not answer a read is a miss and a write is skipped: shoppers get answers
from the database, throttles let requests through, sign-in still works (its lockout is
in the database). After a failure Redis is left alone for O2O_CACHE_RETRY_SECONDS so a
page does not wait on every call; readiness (/health/ready/) reports it all the while."""

import logging
import time

import redis as redis_py
from django.conf import settings
from django.core.cache.backends import redis

logger = logging.getLogger(__name__)
FAILURES = (redis_py.RedisError, OSError)


class ReusingRedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    _down_until = 0.0  # shared by every instance in the process

    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**_timeouts(), **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def _call(self, method, default, *args, **kwargs):
        if time.monotonic() < RedisCache._down_until:
            return default
        try:
            return method(*args, **kwargs)
        except FAILURES as exc:
            if time.monotonic() >= RedisCache._down_until:
                logger.warning("cache unavailable (%s): serving without it", exc)
            RedisCache._down_until = time.monotonic() + settings.O2O_CACHE_RETRY_SECONDS
            return default

    def get(self, key, default=None, version=None):
        return self._call(super().get, default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._call(super().has_key, False, key, version)

    def set(self, key, value, timeout=redis.DEFAULT_TIMEOUT, version=None):
        return self._call(super().set, None, key, value, timeout, version)

    def set_many(self, data, timeout=redis.DEFAULT_TIMEOUT, version=None):
        return self._call(super().set_many, [], data, timeout, version)

    def add(self, key, value, timeout=redis.DEFAULT_TIMEOUT, version=None):
        # True: callers that count (throttles) then start at 1, so they let the request in
        return self._call(super().add, True, key, value, timeout, version)

    def touch(self, key, timeout=redis.DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(super().delete, False, key, version)

    def delete_many(self, keys, version=None):
        return self._call(super().delete_many, None, keys, version)

    def incr(self, key, delta=1, version=None):
        result = self._call(super().incr, _MISSING, key, delta, version)
        if result is _MISSING:
            raise ValueError("cache unavailable")  # callers treat it as a missing key
        return result

    def add_then_incr(self, key, start, timeout=redis.DEFAULT_TIMEOUT, version=None):
        """`add(key, start, timeout)` then `incr(key)` in one round trip: the new value."""
        return self.add_then_incr_many([key], start, timeout, version)[0]

    def add_then_incr_many(self, keys, start, timeout=redis.DEFAULT_TIMEOUT, version=None):
        """`add_then_incr` for each of `keys`, all in one round trip: the new values."""
        keys = [self.make_and_validate_key(key, version=version) for key in keys]
        seconds = self.get_backend_timeout(timeout)

        def each():
            client = self._cache.get_client(keys[0], write=True)
            found = _ADD_THEN_INCR.run(client, keys=keys, args=[start, seconds or 0])
            return [int(value) for value in found]

        result = self._call(each, _MISSING)
        if result is _MISSING:
            raise ValueError("cache unavailable")
        return result

    def count_and_get_many(self, counter, timeout, keys, version=None):
        """`add_then_incr(counter, 0, timeout)` and `get_many(keys)` in one round trip:
        (the counter's new value, the values found); (None, {}) when Redis is away."""
        made = {self.make_and_validate_key(key, version=version): key for key in keys}
        counter = self.make_and_validate_key(counter, version=version)
        seconds = self.get_backend_timeout(timeout)

        def each():
            client = self._cache.get_client(counter, write=True)
            count, *values = _COUNT_THEN_GET.run(client, keys=[counter, *made], args=[seconds or 0])
            loads = self._cache._serializer.loads
            found = {
                made[key]: loads(value)
                for key, value in zip(made, values, strict=True)
                if value is not None
            }
            return int(count), found

        return self._call(each, (None, {}))

    def clear(self):
        return self._call(super().clear, False)

    def ping(self):
        """Whether Redis answers now (for readiness), ignoring the pause after a failure."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except FAILURES:
            return False


_MISSING = object()


class _Script:
    """A Lua script run by its SHA (redis-py loads it again where Redis lost it)."""

    def __init__(self, source):
        self.source = source
        self._registered = None

    def run(self, client, *, keys, args):
        if self._registered is None:
            self._registered = client.register_script(self.source)
        return self._registered(keys=keys, args=args, client=client)


# one command instead of a SET NX + INCR pair per key; GET answers the value as a string,
# as Lua numbers are doubles and a generation (nanoseconds) has more digits than they keep
_ADD_THEN_INCR = _Script(
    """
local values = {}
for i, key in ipairs(KEYS) do
  if ARGV[2] == '0' then
    redis.call('SET', key, ARGV[1], 'NX')
  else
    redis.call('SET', key, ARGV[1], 'NX', 'EX', ARGV[2])
  end
  redis.call('INCR', key)
  values[i] = redis.call('GET', key)
end
return values
"""
)

# the first key is a counter (started at 0 if missing, then incremented, as above); the
# others are read as GET would; a missing key comes back as nil
_COUNT_THEN_GET = _Script(
    """
if ARGV[1] == '0' then
  redis.call('SET', KEYS[1], 0, 'NX')
else
  redis.call('SET', KEYS[1], 0, 'NX', 'EX', ARGV[1])
end
local values = {redis.call('INCR', KEYS[1])}
for i = 2, #KEYS do
  values[i] = redis.call('GET', KEYS[i])
end
return values
"""
)


def _timeouts():
    seconds = settings.O2O_CACHE_SOCKET_TIMEOUT
    return {"socket_connect_timeout": seconds, "socket_timeout": seconds}


def add_then_incr(key, start, timeout=None):
    """Start a counter at `start` if it is missing, then add one; the new value. One round
    trip with Redis, add + incr with other caches. ValueError when the cache is away."""
    return add_then_incr_many([key], start, timeout)[0]


def count_and_get_many(counter, timeout, keys):
    """Count one more under `counter` (a fixed window of `timeout` seconds) and read `keys`:
    (the new count, or None when the cache is away; the values found). One round trip with
    Redis."""
    from django.core.cache import cache

    if hasattr(cache, "count_and_get_many"):
        return cache.count_and_get_many(counter, timeout, keys)
    try:
        count = add_then_incr(counter, 0, timeout)
    except ValueError:
        count = None
    return count, cache.get_many(keys)


def add_then_incr_many(keys, start, timeout=None):
    """`add_then_incr` for each of `keys` (one round trip with Redis): the new values."""
    from django.core.cache import cache

    if hasattr(cache, "add_then_incr_many"):
        return cache.add_then_incr_many(keys, start, timeout)
    values = []
    for key in keys:
        cache.add(key, start, timeout)
        values.append(cache.incr(key))
    return values
