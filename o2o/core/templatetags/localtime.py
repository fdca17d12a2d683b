"""Moments shown in a place's own time zone, labelled with it: "2 Dec, 11:30 IST"."""

import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def in_zone(value: datetime.datetime | None, zone: str | ZoneInfo) -> str:
    """`value` in `zone` ("Asia/Kolkata" or a ZoneInfo) with the zone's abbreviation,
    in the active language's date format. Never ends in a full stop."""
    if not value:
        return ""
    try:
        tz = zone if isinstance(zone, ZoneInfo) else ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("UTC")
    local = value.astimezone(tz)
    return f"{formats.date_format(local, 'j M, H:i')} {local.tzname()}"
