"""Shopper reads on PostgreSQL streaming replicas, never older than what they must show.

A read is sent to a replica only inside `read_on_replica(compute, floor=...)` (the shopper's
pages and searches), only for the apps in O2O_REPLICA_APPS, never inside a transaction on
the primary, and only to a replica that has replayed the primary's WAL up to `floor`. The
generation cache (core/generations.py) records, for each generation a write creates, the
primary's WAL position read after the write committed; an answer cached under that
generation is computed from a replica only once the replica has replayed past it, so a
lagging replica can cost the primary a read but never puts an old answer in the cache.
Without a known floor, or when no replica qualifies or answers, the primary reads.
Every write, and everything outside a shopper read, goes to the primary."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, Error, InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)
T = TypeVar("T")

LSN_SQL = "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn"
REPLAYED_SQL = "SELECT pg_last_wal_replay_lsn() - '0/0'::pg_lsn"


@dataclass
class _Plan:
    floor: int | None
    alias: str | None = None  # chosen at the plan's first read


_plan: ContextVar[_Plan | None] = ContextVar("o2o_read_plan", default=None)
_down_until: dict[str, float] = {}


def enabled() -> bool:
    return bool(settings.O2O_READ_REPLICAS)


def primary_position() -> int | None:
    """The primary's current WAL position (bytes), or None without replicas."""
    if not enabled():
        return None
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(LSN_SQL)
        return int(cursor.fetchone()[0])


def read_on_replica(compute: Callable[[], T], *, floor: int | None) -> T:
    """`compute()` with its shopper reads on a replica that has replayed `floor`; if the
    replica fails under it, `compute()` once more on the primary. An error of the primary
    (a timeout, a lost connection) is raised as it is, not blamed on the replica."""
    if not enabled():
        return compute()
    plan = _Plan(floor)
    token = _plan.set(plan)
    try:
        try:
            return compute()
        except (OperationalError, InterfaceError) as exc:
            if plan.alias in (None, DEFAULT_DB_ALIAS) or _still_answers(plan.alias):
                raise
            _set_down(plan.alias, exc)
            plan.alias = DEFAULT_DB_ALIAS
            return compute()
    finally:
        _plan.reset(token)


def chosen_database() -> str:
    """Where the current shopper read goes (the primary outside one)."""
    plan = _plan.get()
    if plan is None or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS  # reads inside a write transaction see its writes
    if plan.alias is None:
        plan.alias = _choose(plan.floor)
    return plan.alias


def _choose(floor: int | None) -> str:
    if floor is None:
        return DEFAULT_DB_ALIAS
    aliases = list(settings.O2O_READ_REPLICAS)
    random.shuffle(aliases)
    for alias in aliases:
        if _down_until.get(alias, 0.0) > time.monotonic():
            continue
        try:
            replayed = _replayed(alias)
        except Error as exc:  # DatabaseError, or InterfaceError on a closed link
            _set_down(alias, exc)
            continue
        if replayed is not None and replayed >= floor:
            return alias
    return DEFAULT_DB_ALIAS


def _still_answers(alias: str) -> bool:
    link = connections[alias]
    return link.connection is not None and link.is_usable()


def _replayed(alias: str) -> int | None:
    with connections[alias].cursor() as cursor:
        cursor.execute(REPLAYED_SQL)
        value = cursor.fetchone()[0]
    return None if value is None else int(value)  # None: not a replica (promoted)


def _set_down(alias: str, exc: Exception) -> None:
    logger.warning("replica %s unavailable (%s): reading from the primary", alias, exc)
    _down_until[alias] = time.monotonic() + settings.O2O_REPLICA_RETRY_SECONDS
    try:
        connections[alias].close()
    except Error:
        connections[alias].connection = None  # unusable: the next use reconnects


def status() -> dict[str, str]:
    """Each replica's state for readiness: how far behind the primary it has replayed, or
    why it is not used (the site answers from the primary meanwhile)."""
    if not enabled():
        return {}
    try:
        position = primary_position() or 0
    except Error as exc:  # DatabaseError, or InterfaceError on a closed link
        return dict.fromkeys(settings.O2O_READ_REPLICAS, f"unknown: {exc.__class__.__name__}")
    states = {}
    for alias in settings.O2O_READ_REPLICAS:
        try:
            replayed = _replayed(alias)
        except Error as exc:  # DatabaseError, or InterfaceError on a closed link
            _set_down(alias, exc)
            states[alias] = f"down: {exc.__class__.__name__}"
            continue
        if replayed is None:
            states[alias] = "not a replica (promoted?): not used"
        else:
            states[alias] = f"ok, {max(0, position - replayed)} bytes behind"
    return states


class ReplicaRouter:
    """Writes, and reads outside `read_on_replica`, on the primary; shopper reads of the
    replicated apps where the current plan says."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        if model._meta.app_label not in settings.O2O_REPLICA_APPS:
            return DEFAULT_DB_ALIAS
        return chosen_database()

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS  # also for objects that were read from a replica

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # every database holds the same rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
