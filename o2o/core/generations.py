"""The generation cache: cached answers keyed by the generations of what they were read
from, so that a bump makes every older answer unreachable at once. The kernel's piece:
apps that own data announce their changes here (stock writes per variant, everything else
at once), the shopper-facing apps (locator, storefront) read through it; nobody imports
the locator to keep it fresh.

A cached answer's key holds two generations: the variant's (bumped by writes to a few of
its stock rows: reservations, deltas, counts) and the locator-wide one (bumped by bulk
writes: snapshots, feeds, outlet, authorisation and catalogue changes). A bump makes every
older answer unreachable at once, so no answer outlives the stock it was read from.

Each write bumps twice: at once (so the writer's own next read misses) and after commit
(so an answer cached by a reader between the first bump and the commit is dropped too).
A generation starts at the clock's nanoseconds, never at 0, so one evicted from the cache
comes back as a value no older answer was keyed with."""

import contextlib
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

EVERYTHING = "locator:generation"


def _variant_key(variant_id):
    return f"locator:generation:v{variant_id}"


def _bump(keys):
    for key in keys:
        cache.add(key, time.time_ns(), timeout=None)
        with contextlib.suppress(ValueError):  # evicted since add: the next read restarts it
            cache.incr(key)


def _bump_now_and_on_commit(keys):
    keys = list(keys)
    if keys:
        _bump(keys)
        transaction.on_commit(lambda: _bump(keys))


def stock_changed(variant_ids):
    """A few stock rows of these variants changed (holds, releases, sales, deltas, counts)."""
    _bump_now_and_on_commit({_variant_key(variant_id) for variant_id in variant_ids})


def availability_changed():
    """Anything else a search can see changed: bulk stock, outlets, authorisations, catalogue."""
    _bump_now_and_on_commit([EVERYTHING])


def _digest(key):
    """Keys carry what shoppers typed: hashed, they stay short and safe for any cache."""
    return hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


def _generation(key):
    value = cache.get(key)
    if value is None:
        cache.add(key, time.time_ns(), timeout=None)
        value = cache.get(key)
    return value


def remembered_until_anything_changes(key, compute):
    """`compute()`, from the cache until the locator-wide generation moves (catalogue,
    outlets, bulk stock). For facts a search needs first, such as which variant it names."""
    seconds = settings.O2O_SHOPPER_CACHE_SECONDS
    if not seconds:
        return compute()
    full_key = f"locator:fact:{_generation(EVERYTHING)}:{_digest(key)}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, timeout=seconds)
    return value


def remembered(key, *, variant_of, answer):
    """`answer(variant)`, from the cache while neither generation it was read under moved.

    `variant_of()` finds the variant a search is about (or raises if there is none); it
    only runs on a miss, so a repeated search costs three cache reads and no SQL. Both
    generations are read before the database, so a write that lands meanwhile retires the
    answer. O2O_SHOPPER_CACHE_SECONDS = 0 turns the cache off."""
    seconds = settings.O2O_SHOPPER_CACHE_SECONDS
    if not seconds:
        return answer(variant_of())
    full_key = f"locator:answer:{_generation(EVERYTHING)}:{_digest(key)}"
    entry = cache.get(full_key)
    if entry is not None:
        variant_id, variant_generation, value = entry
        if _generation(_variant_key(variant_id)) == variant_generation:
            return value
    variant = variant_of()
    variant_generation = _generation(_variant_key(variant.pk))
    value = answer(variant)
    cache.set(full_key, (variant.pk, variant_generation, value), timeout=seconds)
    return value
