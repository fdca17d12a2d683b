"""Shops keep weekly hours in their own time zone: the shop card says when it opens or
closes, a hold runs over open time, and every time a shopper reads is the shop's."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from o2o.outlets import hours
from o2o.outlets.models import Outlet
from tests.factories import api_reservation
from tests.security.test_hardening import SHOPPER

UTC = datetime.UTC
TUESDAY_2030_IST = datetime.datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # 20:30 in Mumbai
SHOP_HOURS = "Mon-Sat 10:00-21:00; Sun closed"


def set_hours(outlet, text, zone="Asia/Kolkata"):
    Outlet.objects.filter(pk=outlet.pk).update(
        weekly_hours=hours.parse(text).to_json(), timezone=zone
    )


def reserve(client, world, **headers):
    response = client.post(f"/reserve/pune-1/{world.variant.pk}/", SHOPPER, **headers)
    assert response.status_code == 302, response.content
    return response["Location"]


def test_a_hold_made_near_closing_runs_into_the_next_opening(
    client, world, django_capture_on_commit_callbacks
):
    world.brand.hold_minutes = 120
    world.brand.save()
    set_hours(world.outlet, SHOP_HOURS)
    with time_machine.travel(TUESDAY_2030_IST, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            location = reserve(client, world)
        page = client.get(location).content.decode()
    # 30 minutes tonight, 90 tomorrow from 10:00: until 11:30 Wednesday, in the shop's zone
    assert "Held for you until 2 Dec, 11:30 IST." in page
    assert "IST." in page
    assert ".." not in page
    assert "We hold it for you until 2 Dec, 11:30 IST." in mail.outbox[-1].body


def test_a_hold_on_saturday_night_skips_the_closed_sunday(client, world):
    world.brand.hold_minutes = 60
    world.brand.save()
    set_hours(world.outlet, SHOP_HOURS)
    saturday_2045 = datetime.datetime(2026, 12, 5, 15, 15, tzinfo=UTC)
    with time_machine.travel(saturday_2045, tick=False):
        page = client.get(reserve(client, world)).content.decode()
    assert "Held for you until 7 Dec, 10:45 IST." in page  # Monday


def test_a_shop_with_no_hours_holds_by_the_clock(client, world):
    world.brand.hold_minutes = 120
    world.brand.save()
    set_hours(world.outlet, "")
    with time_machine.travel(TUESDAY_2030_IST, tick=False):
        page = client.get(reserve(client, world)).content.decode()
    assert "Held for you until 1 Dec, 22:30 IST." in page


def test_the_api_says_until_when_in_the_shops_zone(world):
    world.brand.hold_minutes = 120
    world.brand.save()
    set_hours(world.outlet, SHOP_HOURS)
    with time_machine.travel(TUESDAY_2030_IST, tick=False):
        response = APIClient().post(
            "/api/v1/reservations/",
            api_reservation(world),
            format="json",
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["held_until"] == "2026-12-02T11:30:00+05:30"
    assert body["expires_at"].startswith("2026-12-02T06:00:00")
    assert body["outlet_timezone"] == "Asia/Kolkata"


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime.datetime(2026, 12, 1, 6, 30, tzinfo=UTC), "Open until 21:00"),  # Tue 12:00
        (datetime.datetime(2026, 12, 1, 2, 30, tzinfo=UTC), "Closed now · opens at 10:00"),
        (datetime.datetime(2026, 12, 1, 16, 30, tzinfo=UTC), "Closed now · opens tomorrow 10:00"),
        (datetime.datetime(2026, 12, 5, 16, 30, tzinfo=UTC), "Closed now · opens Mon 10:00"),
    ],
)
def test_the_shop_card_says_when_it_opens_or_closes(client, world, moment, expected):
    set_hours(world.outlet, SHOP_HOURS)
    with time_machine.travel(moment, tick=False):
        page = client.get("/aurora/aurora-12/?city=Pune").content.decode()
    found = re.search(r'data-testid="hours-now">([^<]*)<', page)
    assert found
    assert found[1] == expected
    assert "Mon–Sat 10:00–21:00; Sun closed" in page


def test_a_shop_in_china_shows_china_time(client, world):
    set_hours(world.outlet, "Daily 09:00-22:00", zone="Asia/Shanghai")
    with time_machine.travel(datetime.datetime(2026, 12, 1, 13, 30, tzinfo=UTC), tick=False):
        page = client.get("/aurora/aurora-12/?city=Pune").content.decode()  # 21:30 in Shanghai
        assert "Open until 22:00" in page
        held = client.get(reserve(client, world)).content.decode()
    assert "CST" in held


def test_hindi_card_and_day_names(client, world):
    set_hours(world.outlet, SHOP_HOURS)
    with time_machine.travel(datetime.datetime(2026, 12, 5, 16, 30, tzinfo=UTC), tick=False):
        page = client.get(
            "/aurora/aurora-12/?city=Pune", headers={"Accept-Language": "hi"}
        ).content.decode()
    found = re.search(r'data-testid="hours-now">([^<]*)<', page)
    assert found
    assert found[1] == "अभी बंद · सोम 10:00 बजे खुलेगा"
    assert "सोम–शनि 10:00–21:00; रवि बंद" in page


def test_overnight_hours_stay_open_past_midnight():
    tz = hours.zone("Asia/Kolkata")
    late = hours.parse("Fri-Sat 18:00-02:00")
    saturday_0100 = datetime.datetime(2026, 12, 4, 19, 30, tzinfo=UTC)  # Sat 01:00 IST
    assert late.is_open(saturday_0100, tz) is True
    is_open, until = late.state(saturday_0100, tz)
    assert is_open
    assert until.strftime("%a %H:%M") == "Sat 02:00"
    # two hours of hold from 01:00: one tonight, one from Saturday 18:00
    end = late.add_open_time(saturday_0100, datetime.timedelta(hours=2), tz)
    assert end.astimezone(tz).strftime("%a %H:%M") == "Sat 19:00"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Mon 25:00-10:00", "not a time"),
        ("Funday 10:00-11:00", "not a day"),
        ("Mon 10:00-12:00, 11:00-13:00", "overlap"),
        ("Mon 10:00-11:00; Mon closed", "given twice"),
        ("Mon 10:00-10:00", "opens and closes at once"),
        ("10:00-21:00", "should name days"),
        ("Mon\x0010:00-11:00", "should name days"),
    ],
)
def test_bad_hours_are_refused_with_the_reason(text, message):
    with pytest.raises(hours.HoursError, match=message):
        hours.parse(text)


TIMES = st.times().map(lambda t: t.replace(second=0, microsecond=0))
PERIODS = st.lists(st.tuples(TIMES, TIMES).filter(lambda p: p[0] < p[1]), max_size=2).filter(
    lambda ps: len(ps) < 2 or sorted(ps)[0][1] < sorted(ps)[1][0]
)


@given(st.lists(PERIODS, min_size=7, max_size=7))
def test_hours_read_back_what_they_write(days):
    weekly = hours.WeeklyHours(tuple(tuple(sorted(day)) for day in days))
    assert hours.parse(weekly.describe_plain()) == weekly
    assert hours.WeeklyHours.from_json(weekly.to_json()) == weekly


@given(st.lists(PERIODS, min_size=7, max_size=7), st.integers(0, 3000), st.integers(0, 10**6))
def test_a_hold_lasts_its_open_time(days, minutes, offset):
    """Whatever the schedule, the open time between the start and the end is the duration."""
    tz = hours.zone("Asia/Kolkata")
    weekly = hours.WeeklyHours(tuple(tuple(sorted(day)) for day in days))
    start = datetime.datetime(2026, 11, 1, tzinfo=UTC) + datetime.timedelta(seconds=offset)
    duration = datetime.timedelta(minutes=minutes)
    end = weekly.add_open_time(start, duration, tz)
    spans = list(weekly.intervals(start, tz))
    available = sum((e - b for b, e, _o in spans), datetime.timedelta())
    if available < duration:  # not open that long in two weeks: the clock decides
        assert end == start + duration
    else:
        opened = sum((min(e, end) - b for b, e, _o in spans if b < end), datetime.timedelta())
        assert opened == duration
        assert end >= start
