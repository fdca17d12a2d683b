"""The generation cache: cached answers keyed by the generations of what they were read
from, so that a bump makes every older answer unreachable at once. The kernel's piece:
apps that own data announce their changes here (stock writes per variant, everything else
at once), the shopper-facing apps (locator, storefront) read through it; nobody imports
the locator to keep it fresh.

A cached answer's key holds two generations: the variant's (bumped by writes to a few of
its stock rows: reservations, deltas, counts) and the locator-wide one (bumped by bulk
writes: snapshots, feeds, outlet, authorisation and catalogue changes). A bump makes every
older answer unreachable at once, so no answer outlives the stock it was read from.

Each write bumps once, when its transaction commits (at once outside one), before the
writer answers: an answer a reader cached before the commit, from the rows as they were, is
dropped then, and the writer's own next request misses. (It bumped at once as well, for
reads inside the writing transaction: no path of o2o reads through the cache there, and
that round trip to Redis was 4% of a reservation's CPU.)
A generation starts at the clock's nanoseconds, never at 0, so one evicted from the cache
comes back as a value no older answer was keyed with.

With read replicas, each generation a commit creates is stored with the primary's WAL
position read after it, and an answer cached under a generation is computed on a replica
only once the replica has replayed that far (core/replicas.py): a lagging replica never
puts an old answer under a new generation."""

import contextlib
import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from o2o.core import replicas
from o2o.core.cache import add_then_incr, count_and_get_many

EVERYTHING = "locator:generation"


def _variant_key(variant_id):
    return f"locator:generation:v{variant_id}"


def _bump(keys):
    created = {}
    for key in keys:
        with contextlib.suppress(ValueError):  # cache away: the next read restarts it
            created[key] = add_then_incr(key, time.time_ns())
    return created


def _bump_committed(keys):
    """After the commit: new generations, then the WAL position that covers every write
    whose bump came before them (read after the bumps, so no earlier commit is missed)."""
    created = _bump(keys)
    if created and replicas.enabled():
        _record_floor(created)


def _floor_key(key, generation):
    return f"{key}:lsn:{generation}"


def _record_floor(generations):
    position = replicas.primary_position()
    cache.set_many(
        {_floor_key(key, value): position for key, value in generations.items()},
        timeout=settings.O2O_REPLICA_FLOOR_SECONDS,
    )


def _floor(generations):
    """The WAL position a replica must have replayed to answer under these generations, or
    None (not known: the primary answers)."""
    if not replicas.enabled():
        return None
    keys = [_floor_key(key, value) for key, value in generations.items()]
    found = cache.get_many(keys)
    if len(found) < len(keys):
        return None
    return max(found.values())


def _bump_on_commit(keys):
    keys = list(keys)
    if keys:
        transaction.on_commit(lambda: _bump_committed(keys))


def stock_changed(variant_ids):
    """A few stock rows of these variants changed (holds, releases, sales, deltas, counts)."""
    _bump_on_commit({_variant_key(variant_id) for variant_id in variant_ids})


def availability_changed():
    """Anything else a search can see changed: bulk stock, outlets, authorisations, catalogue."""
    _bump_on_commit([EVERYTHING])


def _digest(key):
    """Keys carry what shoppers typed: hashed, they stay short and safe for any cache."""
    return hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


def _generation(key):
    value = cache.get(key)
    if value is None:
        started = time.time_ns()
        if cache.add(key, started, timeout=None) and replicas.enabled():
            _record_floor({key: started})  # everything committed so far is before it
        value = cache.get(key)
    return value


def floor_of_everything():
    """The floor for shopper reads outside a cached answer (pages' uncached parts)."""
    return _floor({EVERYTHING: _generation(EVERYTHING)})


def shopper_read(view):
    """A shopper's page or search (GET, HEAD): its catalogue, outlet and stock reads go to a
    replica that has replayed the last locator-wide change; its cached answers keep their
    own, closer floors. Writes it makes (demand signals, the session) go to the primary."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or not replicas.enabled():
            return view(request, *args, **kwargs)
        return replicas.read_on_replica(
            lambda: view(request, *args, **kwargs), floor=floor_of_everything()
        )

    return wrapper


def _everything_and(*keys, attempt=None):
    """The locator-wide generation and the entries at `keys`, in one round trip; with
    `attempt` (a throttle's, core/ratelimit.py), counted and settled in the same one."""
    if attempt is None:
        found = cache.get_many([EVERYTHING, *keys])
    else:
        count, found = count_and_get_many(attempt.key, attempt.window, [EVERYTHING, *keys])
        attempt.settle(count)
    everything = found.get(EVERYTHING)
    if everything is None:
        everything = _generation(EVERYTHING)
    return everything, *(found.get(key) for key in keys)


def _fact_key(key):
    return f"locator:fact:{_digest(key)}"


def _fact(key, entry, everything, compute, timeout):
    """The value under `key` if its `entry` (read with `everything`) is current, else
    computed and kept under the locator-wide generation, `timeout` seconds at most."""
    if entry is not None and entry[0] == everything:
        return entry[1]
    value = replicas.read_on_replica(compute, floor=_floor({EVERYTHING: everything}))
    cache.set(key, (everything, value), timeout=timeout)
    return value


def remembered_until_anything_changes(key, compute, *, timeout=None):
    """`compute()`, from the cache until the locator-wide generation moves (catalogue,
    outlets, bulk stock), `timeout` seconds at most (O2O_SHOPPER_CACHE_SECONDS unless
    told). For pages' bodies, and for facts a search needs first, such as which variant it
    names. An entry holds the generation it was computed under; one read fetches both."""
    if not settings.O2O_SHOPPER_CACHE_SECONDS:
        return compute()
    full_key = _fact_key(key)
    everything, entry = _everything_and(full_key)
    return _fact(
        full_key, entry, everything, compute, timeout or settings.O2O_SHOPPER_CACHE_SECONDS
    )


# This process's copy of the facts `remembered` has read (fact key -> (the locator-wide
# generation, the variant)): trusted only while that generation is the one read with the
# answer, it lets the first round trip fetch the variant's generation too. Bounded: cleared
# when full.
_known_facts: dict = {}
KNOWN_FACTS_MAX = 10_000


def _known_fact(fact_key):
    return _known_facts.get(fact_key) if fact_key else None


def _know_fact(fact_key, everything, variant):
    if len(_known_facts) >= KNOWN_FACTS_MAX:
        _known_facts.clear()
    _known_facts[fact_key] = (everything, variant)


def remembered(key, *, variant_of, answer, fact=None, attempt=None):
    """`answer(variant)`, from the cache while neither generation it was read under moved.

    `variant_of()` finds the variant a search is about; it only runs on a miss, so a
    repeated search costs one cache round trip and no SQL. With `fact`, the variant found
    is kept under that key until anything changes (`remembered_until_anything_changes`)
    and read in the same round trip as the answer; once this process has seen the fact, that
    round trip also reads the variant's generation, so a new search about a known variant
    costs two (the read, and keeping the answer). Both generations are read before the
    database, so a write that lands meanwhile retires the answer. `attempt`, a throttle's
    count, goes with the first read (and may refuse the request there).
    O2O_SHOPPER_CACHE_SECONDS = 0 turns the cache off."""
    seconds = settings.O2O_SHOPPER_CACHE_SECONDS
    if not seconds:
        if attempt is not None:
            attempt.count_now()
        return answer(variant_of())
    full_key = f"locator:answer:{_digest(key)}"
    fact_key = _fact_key(fact) if fact else None
    known = _known_fact(fact_key)
    known_variant = known[1] if known else None
    extra = [fact_key] if fact_key else []
    if known_variant is not None:
        extra.append(_variant_key(known_variant.pk))
    everything, entry, *found = _everything_and(full_key, *extra, attempt=attempt)
    fact_entry = found[0] if fact_key else None
    generations = {}  # variant id -> its generation, as read in this request
    if known is not None and known[0] == everything and known_variant is not None:
        if found[1] is not None:
            generations[known_variant.pk] = found[1]
    elif known is not None and known[0] != everything:
        known = None  # the catalogue may have changed since: ask the shared cache
    if known is None and fact_entry is not None and fact_entry[0] == everything:
        _know_fact(fact_key, everything, fact_entry[1])  # for this process's next search

    def generation_of(variant_id):
        if variant_id not in generations:
            generations[variant_id] = _generation(_variant_key(variant_id))
        return generations[variant_id]

    if entry is not None:
        entry_everything, variant_id, variant_generation, value = entry
        if entry_everything == everything and generation_of(variant_id) == variant_generation:
            return value
    if known is not None:
        variant = known[1]
    elif fact_key:
        timeout = settings.O2O_SHOPPER_FACT_SECONDS
        variant = _fact(fact_key, fact_entry, everything, variant_of, timeout)
        _know_fact(fact_key, everything, variant)
    else:
        variant = replicas.read_on_replica(variant_of, floor=_floor({EVERYTHING: everything}))
    if variant is None:
        return answer(None)  # nothing to keep: the answer says what is missing
    variant_key = _variant_key(variant.pk)
    variant_generation = generation_of(variant.pk)
    floor = _floor({EVERYTHING: everything, variant_key: variant_generation})
    value = replicas.read_on_replica(lambda: answer(variant), floor=floor)
    cache.set(full_key, (everything, variant.pk, variant_generation, value), timeout=seconds)
    return value
