"""Counters (throttles, generations) start at a value if missing and count one up per
call, every key of a call in one round trip with Redis (a Lua script)."""

import time

import pytest
from django.core.cache import cache

from o2o.core.cache import add_then_incr, add_then_incr_many


def _client():
    return cache._cache.get_client(write=True)


def test_a_counter_starts_at_its_value_and_counts_up_exactly():
    start = time.time_ns()  # a generation: more digits than a double keeps
    assert add_then_incr("generation:test", start) == start + 1
    assert add_then_incr("generation:test", 0) == start + 2  # an existing one is not reset
    assert add_then_incr_many(["a:test", "b:test", "generation:test"], 5) == [6, 6, start + 3]
    assert add_then_incr_many(["a:test", "b:test"], 5) == [7, 7]


@pytest.mark.redis
def test_with_redis_a_window_expires_and_no_timeout_keeps_the_counter():
    add_then_incr_many(["window:test"], 0, 60)
    add_then_incr_many(["forever:test"], 0, None)
    keys = [cache.make_and_validate_key(key) for key in ("window:test", "forever:test")]
    window, forever = (_client().ttl(key) for key in keys)
    assert 0 < window <= 60
    assert forever == -1  # no expiry


@pytest.mark.redis
def test_with_redis_counting_goes_on_after_redis_forgets_its_scripts():
    assert add_then_incr("flushed:test", 10) == 11
    _client().script_flush()  # as after a restart or a failover
    assert add_then_incr("flushed:test", 10) == 12
