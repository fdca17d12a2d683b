"""Every HTMX request shows that it is running and says when it failed."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_shopper_flows import shops  # noqa: F401  (fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def open_product(page):
    page.goto(f"{page.base}/aurora/aurora-12/")
    page.wait_for_load_state("load")  # htmx (deferred) is in


def test_a_search_shows_a_loading_state_while_it_runs(page, shops):  # noqa: F811
    held = []

    def slow(route):
        held.append(route)

    page.route(re.compile(r".*/aurora/aurora-12/\?.*city=Pune.*"), slow)
    open_product(page)
    page.locator("input[name=city]").fill("Pune")
    page.locator("form.locate button[type=submit]").click()
    expect(page.locator("#busy")).to_be_visible()
    page.wait_for_timeout(100)
    held[0].continue_()
    expect(page.locator("ol.outlets > li h3").first).to_have_text("Pune Mobiles")
    expect(page.locator("#busy")).to_be_hidden()


def test_a_failed_request_says_so(page, shops):  # noqa: F811
    page.route(
        re.compile(r".*/aurora/aurora-12/\?.*city=Pune.*"),
        lambda route: route.fulfill(status=500, body="boom"),
    )
    open_product(page)
    expect(page.locator("#request-failed")).to_be_hidden()
    page.locator("input[name=city]").fill("Pune")
    page.locator("form.locate button[type=submit]").click()
    expect(page.locator("#request-failed")).to_be_visible()
    expect(page.locator("#busy")).to_be_hidden()
