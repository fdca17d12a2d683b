"""Validation of snapshot rows: each bad row gets a line number and a reason."""

import re
from dataclasses import dataclass

from django.conf import settings

WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


@dataclass(frozen=True)
class RowError:
    line: int
    sku: str
    message: str


def _as_count(value):
    if isinstance(value, bool):
        raise ValueError("on_hand must be a whole number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and WHOLE_NUMBER.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        raise ValueError("on_hand must be a whole number")
    if number < 0:
        raise ValueError("on_hand cannot be negative")
    if number > settings.O2O_SNAPSHOT_MAX_ON_HAND:
        raise ValueError(f"on_hand above {settings.O2O_SNAPSHOT_MAX_ON_HAND} is not plausible")
    return number


def validate_items(items):
    """Split snapshot items into ({key: (line, on_hand)}, [RowError]). Lines count from 1."""
    good, errors = {}, []
    for line, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            errors.append(RowError(line, "", "each item must be an object"))
            continue
        key = item.get("sku", item.get("gtin"))
        key = key.strip() if isinstance(key, str) else ""
        if not key:
            errors.append(RowError(line, "", "sku is missing"))
            continue
        try:
            on_hand = _as_count(item.get("on_hand"))
        except ValueError as exc:
            errors.append(RowError(line, key[:64], str(exc)))
            continue
        if key in good:
            errors.append(RowError(line, key[:64], f"duplicate of line {good[key][0]}"))
            continue
        good[key] = (line, on_hand)
    return good, errors
