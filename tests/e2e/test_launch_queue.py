"""Launch day in a real browser: a shopper joins the queue on the launch page, waits on a page
that follows the place by itself (HTMX), is let in when a unit comes back, and reserves;
each page without a serious accessibility violation (axe-core)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from o2o.launches import queue
from o2o.reservations import services as reservations
from tests.e2e.conftest import screenshot
from tests.e2e.test_shopper_flows import serious_violations
from tests.factories import launch_on_sale, make_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_shopper_waits_their_turn_and_reserves_when_a_unit_comes_back(page):
    world = make_world(on_hand=5)
    launch = launch_on_sale(world, {world.outlet: 1})
    first, _new = queue.join(launch=launch, email="first@example.com", language="en", ip=None)
    taken = queue.reserve(
        ticket=first,
        outlet=world.outlet,
        variant=world.variant,
        quantity=1,
        shopper_name="First",
        shopper_phone="+91 9000000000",
    )

    page.goto(f"{page.base}/launch/aurora/aurora-12/")
    expect(page.get_by_test_id("launch-queueing")).to_be_visible()
    assert serious_violations(page) == [], "launch page"
    page.get_by_label("Your e-mail").fill("asha@example.com")
    page.get_by_role("button", name="Join the queue").click()
    place = page.locator("#queue-place")
    expect(place).to_have_attribute("data-state", "sold_out")  # the only unit is reserved
    assert serious_violations(page) == [], "sold out"

    reservations.cancel(reservation_id=taken.pk)  # it comes back to the queue
    page.reload()  # (a sold-out page asks again by itself only every two minutes)
    expect(place).to_have_attribute("data-state", "admitted")
    assert serious_violations(page) == [], "admitted"
    screenshot(page, "launch-queue-admitted-360")
    page.get_by_label("Shop").select_option(label="Pune Mobiles, Pune (1)")
    page.get_by_label("Your name").fill("Asha")
    page.get_by_label("Phone").fill("020 2612 3456")
    page.get_by_role("button", name="Reserve").click()
    expect(page.get_by_role("heading", name="Your reservation")).to_be_visible()
    code = launch.tickets.get(email="asha@example.com").reservation.code
    assert page.url == f"{page.base}/reservations/{code}/"


def test_the_waiting_page_moves_on_by_itself(page):
    world = make_world(on_hand=5)
    launch = launch_on_sale(world, {world.outlet: 2})
    for n in range(2):  # both units held by two who came first
        queue.join(launch=launch, email=f"ahead{n}@example.com", language="en", ip=None)
    page.goto(f"{page.base}/launch/aurora/aurora-12/")
    page.get_by_label("Your e-mail").fill("asha@example.com")
    page.get_by_role("button", name="Join the queue").click()
    place = page.locator("#queue-place")
    expect(place).to_have_attribute("data-state", "waiting")
    expect(place).to_contain_text("You are next in the queue.")
    assert serious_violations(page) == [], "waiting"
    # their turns pass (expired): the open page shows the shopper's turn within the 2 s it
    # polls at, without a reload
    queue.expire_admissions(now=timezone.now() + datetime.timedelta(minutes=11))
    expect(place).to_have_attribute("data-state", "admitted", timeout=10_000)
    expect(page.get_by_role("button", name="Reserve")).to_be_visible()
