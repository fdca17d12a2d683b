"""A shop's weekly opening hours, in its own time zone.

Stored on the outlet as seven lists (Monday first) of [opens, closes] "HH:MM" pairs; an
empty day is a closed day, no schedule at all means "hours unknown". A period whose close
is not after its opening runs past midnight. Written and read by people as text:
"Mon-Sat 10:00-21:00; Sun closed" (`parse` / `WeeklyHours.describe`)."""

import datetime
import itertools
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.utils import formats
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
RANGE = re.compile(r"^(\S+)\s*[-–]\s*(\S+)$")
LOOKAHEAD_DAYS = 14
Period = tuple[datetime.time, datetime.time]


class HoursError(ValueError):
    pass


def zone(name: str) -> ZoneInfo:
    """The time zone called `name`; HoursError for a name the zone database does not know."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise HoursError(_("“%(name)s” is not a known time zone.") % {"name": name}) from exc


def check_zone(name: str) -> None:
    if name not in _known_zones():
        raise HoursError(_("“%(name)s” is not a known time zone.") % {"name": name})


def _known_zones() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


_ZONES: frozenset[str] | None = None


def _clock(text: str) -> datetime.time:
    match = TIME.match(text.strip())
    if not match:
        raise HoursError(_("“%(text)s” is not a time like 09:30.") % {"text": text})
    return datetime.time(int(match[1]), int(match[2]))


def _days(text: str) -> list[int]:
    text = text.strip().lower()
    if text in ("daily", "every day", "mon-sun"):
        return list(range(7))
    days: list[int] = []
    for part in text.split(","):
        part = part.strip()
        ends = [end.strip()[:3] for end in re.split(r"\s*[-–]\s*", part)]
        if len(ends) > 2 or any(end not in DAY_NAMES for end in ends):
            raise HoursError(
                _("“%(text)s” is not a day or a range of days like Mon-Fri.") % {"text": part}
            )
        first, last = DAY_NAMES.index(ends[0]), DAY_NAMES.index(ends[-1])
        days.extend(day % 7 for day in range(first, last + 1 + (7 if last < first else 0)))
    return days


@dataclass(frozen=True)
class WeeklyHours:
    days: tuple[tuple[Period, ...], ...] = ()  # seven entries, Monday first; () = unknown

    @property
    def known(self) -> bool:
        return bool(self.days)

    @classmethod
    def from_json(cls, value) -> "WeeklyHours":
        if not value:
            return cls()
        return cls(
            tuple(tuple((_clock(a), _clock(b)) for a, b in (day or ())) for day in value[:7])
        )

    def to_json(self) -> list[list[list[str]]]:
        return [[[a.strftime("%H:%M"), b.strftime("%H:%M")] for a, b in day] for day in self.days]

    def describe(self) -> str:
        """ "Mon–Sat 10:00–21:00; Sun closed" in the active language."""
        return self._describe(
            names=[str(name) for name in WEEKDAYS_ABBR.values()], closed=_("closed"), dash="–"
        )

    def describe_plain(self) -> str:
        """The same in the English that `parse` reads back: "Mon-Sat 10:00-21:00; Sun closed"."""
        return self._describe(names=[d.title() for d in DAY_NAMES], closed="closed", dash="-")

    def _describe(self, *, names: list[str], closed: str, dash: str) -> str:
        if not self.known:
            return ""
        groups: list[tuple[int, int, tuple[Period, ...]]] = []
        for index, periods in enumerate(self.days):
            if groups and groups[-1][2] == periods and groups[-1][1] == index - 1:
                groups[-1] = (groups[-1][0], index, periods)
            else:
                groups.append((index, index, periods))
        parts = []
        for first, last, periods in groups:
            days = names[first] + (dash + names[last] if last != first else "")
            times = ", ".join(f"{a:%H:%M}{dash}{b:%H:%M}" for a, b in periods) or closed
            parts.append(f"{days} {times}")
        return "; ".join(parts)

    def intervals(self, start: datetime.datetime, tz: ZoneInfo):
        """The open intervals (aware datetimes) that end after `start`, in order, for the
        next two weeks."""
        local = start.astimezone(tz)
        first_day = local.date() - datetime.timedelta(days=1)  # yesterday's late opening
        for offset in range(LOOKAHEAD_DAYS + 1):
            day = first_day + datetime.timedelta(days=offset)
            for opens, closes in self.days[day.weekday()]:
                begin = datetime.datetime.combine(day, opens, tzinfo=tz)
                end_day = day if closes > opens else day + datetime.timedelta(days=1)
                end = datetime.datetime.combine(end_day, closes, tzinfo=tz)
                begin, end = begin.astimezone(datetime.UTC), end.astimezone(datetime.UTC)
                if end > start:  # in UTC, so that durations are real time across DST
                    yield max(begin, start), end, begin

    def is_open(self, moment: datetime.datetime, tz: ZoneInfo) -> bool | None:
        if not self.known:
            return None
        state = self.state(moment, tz)
        return bool(state and state[0])

    def add_open_time(
        self, start: datetime.datetime, duration: datetime.timedelta, tz: ZoneInfo
    ) -> datetime.datetime:
        """The moment `duration` of open time after `start`: a hold made after closing runs
        into the next opening. Wall-clock time where the hours are unknown or never open."""
        if not self.known:
            return start + duration
        left = duration
        for begin, end, _opens in self.intervals(start, tz):
            if end - begin >= left:
                return begin + left
            left -= end - begin
        return start + duration

    def state(
        self, moment: datetime.datetime, tz: ZoneInfo
    ) -> tuple[bool, datetime.datetime] | None:
        """(open now, until when) or (closed now, next opening); None if unknown or never open."""
        if not self.known:
            return None
        for begin, end, opens in self.intervals(moment, tz):
            if opens <= moment:
                return True, end.astimezone(tz)
            return False, begin.astimezone(tz)
        return None


def parse(text: str) -> WeeklyHours:
    """Read "Mon-Fri 10:00-20:00; Sat 10:00-14:00, 16:00-20:00; Sun closed" (entries
    separated by ";" or new lines). Days not named are closed; an empty text is "unknown"."""
    days: list[list[Period] | None] = [None] * 7
    entries = [entry.strip() for entry in re.split(r"[;\n]", text or "") if entry.strip()]
    if not entries:
        return WeeklyHours()
    for entry in entries:
        match = re.match(r"^([A-Za-z ,–-]+?)\s+(closed|\d.*)$", entry, re.IGNORECASE)
        if not match:
            raise HoursError(
                _("“%(entry)s” should name days then hours, like “Mon-Fri 10:00-20:00”.")
                % {"entry": entry}
            )
        periods: list[Period] = []
        if match[2].lower() != "closed":
            for span in match[2].split(","):
                found = RANGE.match(span.strip())
                if not found:
                    raise HoursError(
                        _("“%(text)s” is not a range like 10:00-20:00.") % {"text": span}
                    )
                opens, closes = _clock(found[1]), _clock(found[2])
                if opens == closes:
                    raise HoursError(_("“%(text)s” opens and closes at once.") % {"text": span})
                periods.append((opens, closes))
        periods.sort()
        for before, after in itertools.pairwise(periods):
            if before[1] <= before[0] or after[0] < before[1]:
                raise HoursError(_("“%(entry)s” has periods that overlap.") % {"entry": entry})
        for day in _days(match[1]):
            if days[day] is not None:
                raise HoursError(_("%(day)s is given twice.") % {"day": WEEKDAYS_ABBR[day]})
            days[day] = periods
    return WeeklyHours(tuple(tuple(day or ()) for day in days))


def local_time(moment: datetime.datetime, tz: ZoneInfo) -> str:
    """ "21:00" in the shop's zone (the locale's time format)."""
    return formats.time_format(moment.astimezone(tz), "H:i")


def state_text(state: tuple[bool, datetime.datetime] | None, now: datetime.datetime) -> str:
    """ "open until 21:00", "opens at 10:00", "opens tomorrow 10:00", "opens Mon 10:00"."""
    if state is None:
        return ""
    is_open, when = state
    clock = formats.time_format(when, "H:i")
    if is_open:
        return _("open until %(time)s") % {"time": clock}
    days = (when.date() - now.astimezone(when.tzinfo).date()).days
    if days == 0:
        return _("opens at %(time)s") % {"time": clock}
    if days == 1:
        return _("opens tomorrow %(time)s") % {"time": clock}
    return _("opens %(day)s %(time)s") % {"day": WEEKDAYS_ABBR[when.weekday()], "time": clock}
