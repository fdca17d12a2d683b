"""Moments shown in a place's own time zone, labelled with it: "2 Dec, 11:30 IST"."""

import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext

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


@register.filter
def ago(value: datetime.datetime | None) -> str:
    """ "7 minutes ago" from our own catalogue, so every language we ship says it whole
    (humanize's naturaltime is untranslated in some of them)."""
    if not value:
        return ""
    seconds = max(0, int((timezone.now() - value).total_seconds()))
    if seconds < 60:
        return gettext("just now")
    for size, singular, plural in UNITS:
        if seconds >= size:
            count = seconds // size
            return ngettext(singular, plural, count) % {"count": count}
    return ""


UNITS = (  # ngettext at render time; makemessages finds them through the calls below
    (86400, "%(count)d day ago", "%(count)d days ago"),
    (3600, "%(count)d hour ago", "%(count)d hours ago"),
    (60, "%(count)d minute ago", "%(count)d minutes ago"),
)


def _for_makemessages():  # pragma: no cover - never called
    ngettext("%(count)d day ago", "%(count)d days ago", 1)
    ngettext("%(count)d hour ago", "%(count)d hours ago", 1)
    ngettext("%(count)d minute ago", "%(count)d minutes ago", 1)
