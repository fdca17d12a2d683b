"""A shop applies in the browser (map pick, document upload) and brand staff approve it."""

import pytest
from playwright.sync_api import expect

from o2o.outlets.models import OutletApplication, OutletAuthorization
from tests.admin.tenancy_world import PASSWORD, build
from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_apply_then_approve(page, tmp_path):
    world = build()
    brand = world.sides[0][1]
    licence = tmp_path / "licence.pdf"
    licence.write_bytes(b"%PDF-1.4 shop licence")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{page.base}/partners/{brand.slug}/apply/")
    page.get_by_label("Business name").fill("Lakshmi Telecom")
    page.get_by_label("Shop name").fill("Lakshmi Telecom Aundh")
    page.get_by_label("Your name").fill("Lakshmi")
    page.get_by_label("E-mail").fill("lakshmi@telecom.example")
    page.get_by_label("Phone").fill("+91 98220 11111")
    page.get_by_label("Address").fill("12 ITI Road")
    page.get_by_label("City").fill("Pune")
    page.locator("#pick-map").click()  # the map fills the coordinates
    expect(page.locator("#id_latitude")).not_to_have_value("")
    page.locator("#id_documents").set_input_files(str(licence))
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_role("status")).to_contain_text("will review your application")
    application = OutletApplication.objects.get(outlet_name="Lakshmi Telecom Aundh")
    assert application.documents.count() == 1

    page.goto(f"{page.base}/admin/login/")
    page.get_by_label("Username").fill(world.users["x_manager"].username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{page.base}/admin/outlets/outletapplication/")
    row = page.locator("tr", has_text="Lakshmi Telecom Aundh")
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option("approve")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("Lakshmi Telecom Aundh approved")
    screenshot(page, "application-approved-1280")
    application.refresh_from_db()
    assert application.status == "approved"
    assert OutletAuthorization.objects.filter(outlet=application.outlet, brand=brand).exists()
