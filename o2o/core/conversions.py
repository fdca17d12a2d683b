"""Data conversions for migrations: a column converted row by row, in batches, with a report
of every value that could not be converted (printed by `migrate` and logged to
"o2o.migrations"). A value that cannot be converted is kept as it was written, never lost."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from zoneinfo import available_timezones

import phonenumbers
from django_countries import countries

logger = logging.getLogger("o2o.migrations")

# (new value, problem): the problem is None when the value converted (or needed nothing)
Converted = tuple[str, str | None]


def to_e164(raw: str, country: str) -> Converted:
    text = (raw or "").strip()
    if not text:
        return raw, None
    try:
        number = phonenumbers.parse(text, (country or "").upper() or None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        return raw, f"{raw!r} is not a phone number of {country or 'any country'}; kept as written"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None


def to_country(raw: str) -> Converted:
    text = (raw or "").strip()
    code = countries.alpha2(text) or countries.by_name(text)
    if not code:
        return raw, f"{raw!r} names no country; kept as written"
    return code, None


def to_zone(raw: str, fallback: str) -> Converted:
    if raw in _zones():
        return raw, None
    return fallback, f"{raw!r} is not a known time zone; set to {fallback}"


def convert_rows(
    apps,
    label: str,
    convert: Callable[[object], dict[str, Converted]],
    *,
    batch: int = 2000,
) -> list[str]:
    """Apply `convert(row) -> {field: (value, problem)}` to every row of model `label`
    ("app.Model"); returns (and prints) the report lines."""
    model = apps.get_model(label)
    report, changed, fields = [], [], set()
    for row in model.objects.order_by("pk").iterator(chunk_size=batch):
        touched = False
        for field, (value, problem) in convert(row).items():
            if problem:
                report.append(f"{label} #{row.pk} {field}: {problem}")
            if value != getattr(row, field):
                setattr(row, field, value)
                fields.add(field)
                touched = True
        if touched:
            changed.append(row)
        if len(changed) >= batch:
            model.objects.bulk_update(changed, sorted(fields))
            changed = []
    if changed:
        model.objects.bulk_update(changed, sorted(fields))
    for line in report:
        logger.warning(line)
        print(f"  {line}", file=sys.stdout)
    return report


_ZONES: frozenset[str] | None = None


def _zones() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES
