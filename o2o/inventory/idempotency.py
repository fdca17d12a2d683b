"""`Idempotency-Key`: a retried request gets the first response instead of a second effect."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from o2o.core.errors import DomainError

from .models import IdempotencyRecord

MAX_KEY_LENGTH = 255


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    status = 422
    default_message = "This Idempotency-Key was already used for a different request."


class InvalidIdempotencyKey(DomainError):
    code = "invalid_idempotency_key"
    status = 400
    default_message = f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters."


def fingerprint(method, path, body):
    return hashlib.sha256(b"\n".join([method.encode(), path.encode(), body])).hexdigest()


def window_start():
    """Keys used before this instant are forgotten (O2O_IDEMPOTENCY_DAYS)."""
    return timezone.now() - timedelta(days=settings.O2O_IDEMPOTENCY_DAYS)


def run_once(*, integration, key, request_hash, action):
    """Run `action()` -> (status, body) once per key; replay its successful answer for
    O2O_IDEMPOTENCY_DAYS, after which the same key makes a new request."""
    if key is None:
        return action()
    if not 0 < len(key) <= MAX_KEY_LENGTH:
        raise InvalidIdempotencyKey()
    records = IdempotencyRecord.objects.filter(integration=integration, key=key)
    since = window_start()
    stored = records.filter(created_at__gte=since).first()
    if stored is None:
        try:
            with transaction.atomic():
                records.filter(created_at__lt=since).delete()  # forgotten: not pruned yet
                status, body = action()
                if 200 <= status < 300:
                    IdempotencyRecord.objects.create(
                        integration=integration,
                        key=key,
                        request_hash=request_hash,
                        status_code=status,
                        body=body,
                    )
                return status, body
        except IntegrityError:  # a concurrent retry stored it first: replay that one
            stored = IdempotencyRecord.objects.get(integration=integration, key=key)
    if stored.request_hash != request_hash:
        raise IdempotencyKeyReused()
    return stored.status_code, stored.body
