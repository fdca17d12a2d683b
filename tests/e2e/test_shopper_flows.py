"""A shopper in a real browser: search, variant, city, nearest shops, reserve, QR, cancel;
the same in Hindi; a lost race; accessibility with axe-core."""

import re

import pytest
from playwright.sync_api import expect

from o2o.inventory.models import StockLevel
from o2o.outlets.models import Outlet
from o2o.reservations.models import Reservation
from tests.e2e.conftest import screenshot
from tests.factories import OutletFactory, authorise, make_world, stock

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shops():
    world = make_world(on_hand=5)
    near = world.outlet
    Outlet.objects.filter(pk=near.pk).update(phone="+91 20 5555 0101", delivery_radius_km=5)
    far = OutletFactory(
        code="pune-2", name="Kothrud Phones", latitude=18.5074, longitude=73.8077
    )  # ~5 km west
    authorise(far, world.brand)
    stock(far, world.variant, 4)
    stock(near, world.other_variant, 3)
    stock(far, world.other_variant, 2)
    return world, near, far


def find_and_reserve(page, *, search_button, reserve_label, reserve_button):
    page.goto(f"{page.base}/aurora/")
    page.get_by_role("searchbox").fill("12")
    expect(page.locator("#product-list")).to_contain_text("Aurora 12")
    page.get_by_role("link", name=re.compile("Aurora 12")).click()
    page.wait_for_url(re.compile(r"/aurora/aurora-12/"))
    page.wait_for_load_state("load")  # htmx is loaded (deferred) before the first change
    page.get_by_label(re.compile("256 GB")).check()
    expect(page.get_by_test_id("price")).to_contain_text("AUR-12-256-BLU")
    page.locator("input[name=city]").fill("Pune")
    page.locator("form.locate button[type=submit]").click()
    shops = page.locator("ol.outlets > li h3")
    expect(shops).to_have_count(2)
    expect(shops.nth(0)).to_have_text("Pune Mobiles")  # nearest first
    expect(shops.nth(1)).to_have_text("Kothrud Phones")
    page.get_by_role("link", name=reserve_label).first.click()
    page.locator("#id_shopper_name").fill("Priya Shah")
    page.locator("#id_shopper_email").fill("priya@example.com")
    page.locator("#id_shopper_phone").fill("+91 98123 45678")
    page.get_by_role("button", name=reserve_button).click()


def decoded_qr(page):
    """The QR code as Chromium draws it, decoded by zxing-cpp (a standard QR reader)."""
    import io

    import zxingcpp
    from PIL import Image

    image = Image.open(io.BytesIO(page.locator(".qr svg").screenshot()))
    found = zxingcpp.read_barcodes(image)
    assert [barcode.format.name for barcode in found] == ["QRCode"], found
    return found[0].text


def test_search_pick_locate_reserve_follow_and_cancel(page, shops, browser):
    find_and_reserve(
        page, search_button="Search", reserve_label="Reserve here", reserve_button="Reserve"
    )
    code = page.get_by_test_id("code").inner_text()
    reservation = Reservation.objects.get(code=code)
    assert reservation.outlet.code == "pune-1"
    expect(page.locator(".qr svg")).to_be_visible()
    assert decoded_qr(page) == code  # what the browser shows, read by a real decoder
    expect(page.get_by_test_id("status")).to_have_text("Pending")
    # in the shop's time zone, labelled, one full stop
    expect(page.locator("#reservation-status")).to_contain_text(
        re.compile(r"Held for you until \d{1,2} \w{3}, \d\d:\d\d IST\.(?!\.)")
    )
    screenshot(page, "reservation-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "reservation-1280")
    page.once("dialog", lambda dialog: dialog.dismiss())  # asked first: no, keep it
    page.get_by_role("button", name="Cancel reservation").click()
    expect(page.get_by_test_id("status")).to_have_text("Pending")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Cancel reservation").click()
    expect(page.get_by_test_id("status")).to_have_text("Cancelled")
    assert (
        StockLevel.objects.get(outlet__code="pune-1", variant__sku="AUR-12-256-BLU").reserved == 0
    )


def test_the_same_flow_in_hindi(page, shops):
    page.goto(f"{page.base}/")
    page.get_by_label("Language").select_option("hi")
    page.locator("footer button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    find_and_reserve(
        page, search_button="खोजें", reserve_label="यहाँ आरक्षित करें", reserve_button="आरक्षित करें"
    )
    expect(page.get_by_role("heading", name="आपका आरक्षण")).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text("लंबित")
    screenshot(page, "reservation-hindi-360")


def test_a_lost_race_offers_the_next_shop(page, shops):
    world, near, far = shops
    page.goto(f"{page.base}/aurora/aurora-12/?city=Pune")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "product-1280")
    page.get_by_role("link", name="Reserve here").first.click()
    StockLevel.objects.filter(outlet=near, variant=world.variant).update(reserved=5)
    page.locator("#id_shopper_name").fill("Wei Zhang")
    page.locator("#id_shopper_email").fill("wei@example.com")
    page.locator("#id_shopper_phone").fill("+86 138 0000 0000")
    page.get_by_role("button", name="Reserve").click()
    expect(page.get_by_role("alert")).to_contain_text("no longer has enough units")
    page.get_by_role("link", name="Reserve there instead").click()
    page.locator("#id_shopper_name").fill("Wei Zhang")
    page.locator("#id_shopper_email").fill("wei@example.com")
    page.locator("#id_shopper_phone").fill("+86 138 0000 0000")
    page.get_by_role("button", name="Reserve").click()
    expect(page.get_by_test_id("status")).to_have_text("Pending")
    assert Reservation.objects.get().outlet == far


def serious_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def test_pages_have_no_serious_accessibility_violations(page, shops):
    pages = {
        "catalogue": "/aurora/",
        "product": "/aurora/aurora-12/?city=Pune",
        "reserve": "/reserve/pune-1/{variant}/",
    }
    world = shops[0]
    for name, path in pages.items():
        page.goto(page.base + path.format(variant=world.variant.pk))
        assert serious_violations(page) == [], name
    page.locator("#id_shopper_name").fill("Asha")
    page.locator("#id_shopper_email").fill("asha@example.com")
    page.locator("#id_shopper_phone").fill("+91 90000 00000")
    page.get_by_role("button", name="Reserve").click()
    expect(page.get_by_test_id("status")).to_be_visible()
    assert serious_violations(page) == [], "reservation"
