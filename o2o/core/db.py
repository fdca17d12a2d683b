"""Transactions that survive the database's own conflict answers."""

import functools
import logging
import random
import time

from django.conf import settings
from django.db import OperationalError, connection, transaction

logger = logging.getLogger(__name__)

# PostgreSQL's SQLSTATEs that mean "nothing was wrong with the work: run it again"
RETRYABLE = {"40001", "40P01"}  # serialization_failure, deadlock_detected


def is_conflict(exc):
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) in RETRYABLE


def atomic_with_retry(func):
    """Run `func` in a transaction; on a serialization failure or a deadlock, roll back and
    run it again (O2O_DB_CONFLICT_RETRIES times at most, with a short jittered pause).
    Inside an outer transaction it is a plain savepoint: its owner retries the whole."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if connection.in_atomic_block:
            with transaction.atomic():
                return func(*args, **kwargs)
        attempts = settings.O2O_DB_CONFLICT_RETRIES + 1
        for attempt in range(1, attempts + 1):
            try:
                with transaction.atomic():
                    return func(*args, **kwargs)
            except OperationalError as exc:
                if attempt == attempts or not is_conflict(exc):
                    raise
                logger.warning("%s: %s, retrying (%d)", func.__name__, exc.__cause__, attempt)
                time.sleep(random.uniform(0, 0.02 * 2**attempt))  # noqa: S311 (jitter)
        raise AssertionError("unreachable")

    return wrapper


def delete_in_batches(queryset, *, batch=None):
    """Delete the rows of `queryset` `batch` at a time (O2O_RETENTION_BATCH), each batch in
    its own short statement, so no long lock is held; the number deleted."""
    batch = batch or settings.O2O_RETENTION_BATCH
    deleted = 0
    while True:
        ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return deleted
        _total, by_model = queryset.model.objects.filter(pk__in=ids).delete()
        deleted += by_model.get(queryset.model._meta.label, 0)
        if len(ids) < batch:
            return deleted


def keep_prefetched(instance, relation, objects):
    """Give `instance.<relation>.all()` the `objects` its caller has just written, as
    `prefetch_related` would have read them (so nothing reads them back)."""
    queryset = getattr(instance, relation).get_queryset()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[relation] = queryset
