"""Timestamps from outside (POS clocks, query strings): parsed without surprises.

Every date-time a client sends goes through `parse_timestamp`: a date that does not exist,
an offset no place on Earth uses, a year outside O2O_OLDEST_TIMESTAMP..now, or a time
beyond the server's clock plus O2O_CLOCK_SKEW_SECONDS is refused with a reason; a time
ahead of the clock but within the skew is clamped to the clock, never trusted."""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

MAX_OFFSET = datetime.timedelta(hours=14)  # Kiribati; the most negative is -12:00


class BadTimestamp(ValueError):
    """A client's timestamp that cannot be used; the message says why."""


def oldest_timestamp():
    return datetime.datetime.fromisoformat(settings.O2O_OLDEST_TIMESTAMP)


def parse_timestamp(value, *, name="timestamp", now=None, future_ok=False, bounded=True):
    """An aware datetime from an ISO 8601 string (or a datetime), checked and clamped.

    `bounded=False` (a filter's bound, not a fact) allows any real instant, with any offset
    under 24 h; it is still returned in UTC, so the database never sees the offset."""
    if isinstance(value, datetime.datetime):
        parsed = value
    elif isinstance(value, str) and len(value) <= 64:
        try:
            parsed = parse_datetime(value.strip())
        except (ValueError, OverflowError) as exc:
            raise BadTimestamp(f"{name} is not a real date and time") from exc
    else:
        parsed = None
    if parsed is None:
        raise BadTimestamp(f"{name} must be an ISO 8601 date-time")
    if timezone.is_naive(parsed):
        raise BadTimestamp(f"{name} must carry a time zone (e.g. Z or +05:30)")
    offset = parsed.utcoffset()
    if offset is None or (bounded and abs(offset) > MAX_OFFSET):
        raise BadTimestamp(f"{name} has a UTC offset beyond ±14:00")
    try:
        in_utc = parsed.astimezone(datetime.UTC)
    except (OverflowError, ValueError) as exc:
        raise BadTimestamp(f"{name} is out of range") from exc
    if not bounded:
        return in_utc
    if in_utc < oldest_timestamp():
        raise BadTimestamp(f"{name} is before {settings.O2O_OLDEST_TIMESTAMP}")
    now = now or timezone.now()
    if future_ok:
        return in_utc
    if in_utc > now + datetime.timedelta(seconds=settings.O2O_CLOCK_SKEW_SECONDS):
        raise BadTimestamp(f"{name} is in the future")
    return min(in_utc, now)
