"""A first day in a real Chromium: the base map under every map, shop hours, photos, a
delivery pinned on the map, the shop counter on a phone (with a camera that sees the
shopper's QR code), the stock list at 1280 px, pages without JavaScript, the dashboard
in Hindi. Screenshots go to var/test-artifacts/ (the README's are copied from there)."""

import datetime
import io
import re

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from o2o.catalogue.models import ProductImage
from o2o.locator.models import DemandSignal
from o2o.outlets import hours
from o2o.outlets.models import Outlet
from o2o.reservations.models import Reservation
from tests.admin.tenancy_world import PASSWORD, build
from tests.e2e.conftest import ARGS, CHROMIUM, screenshot
from tests.e2e.test_shopper_flows import serious_violations
from tests.factories import make_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def photo_png(colour):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (600, 800), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def shop(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    world = make_world(on_hand=5)
    Outlet.objects.filter(pk=world.outlet.pk).update(
        delivery_radius_km=5,
        weekly_hours=hours.parse("Daily 00:00-23:59").to_json(),
        stock_synced_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=7),
    )
    photo = ProductImage(
        product=world.product, colour=world.variant.value("colour"), alt_text="Front"
    )
    photo.image.save("front.png", ContentFile(photo_png((20, 20, 30))), save=False)
    photo.save()
    return world


def wide(page):
    page.set_viewport_size({"width": 1280, "height": 900})


def test_maps_show_outlines_and_city_names_under_the_pins(page, shop):
    wide(page)
    page.goto(f"{page.base}/aurora/aurora-12/?city=Pune")
    expect(page.locator("#map")).to_have_attribute("data-base", "outlines")
    assert page.locator("#map .leaflet-overlay-pane path").count() > 5  # countries, states
    expect(page.locator("#map .city-name", has_text="Pune")).to_be_visible()
    expect(page.locator("#map .leaflet-control-attribution")).to_contain_text("Natural Earth")
    screenshot(page, "product-1280")


def test_the_shop_card_photos_and_hindi_relative_times(page, shop):
    page.goto(f"{page.base}/aurora/aurora-12/?city=Pune")
    expect(page.get_by_test_id("hours-now")).to_have_text(re.compile(r"^Open until 23:59$"))
    gallery = page.get_by_test_id("gallery").locator("img").first
    expect(gallery).to_have_attribute("alt", "Front")
    assert page.evaluate("(img) => img.naturalWidth", gallery.element_handle()) == 360
    page.goto(f"{page.base}/")
    page.get_by_label("Language").select_option("hi")
    page.locator("footer button[type=submit]").click()
    page.goto(f"{page.base}/aurora/aurora-12/?city=Pune")
    expect(page.locator("ol.outlets")).to_contain_text("अपडेट 7 मिनट पहले")
    expect(page.get_by_test_id("hours-now")).to_have_text("23:59 तक खुला")


def test_the_partner_map_follows_the_typed_city(page, shop):
    wide(page)
    page.goto(f"{page.base}/partners/aurora/apply/")
    page.locator("#id_city").fill("Pune")
    page.locator("#id_city").dispatch_event("change")
    expect(page.locator("#pick-map")).to_have_attribute("data-centred", "Pune")
    expect(page.locator("#pick-map")).to_have_attribute("data-base", "outlines")
    page.locator("#pick-map").click()  # the middle of the map: the middle of Pune
    latitude = float(page.locator("#id_latitude").input_value())
    longitude = float(page.locator("#id_longitude").input_value())
    assert abs(latitude - 18.52) < 0.05
    assert abs(longitude - 73.86) < 0.05


def test_a_delivery_pinned_on_the_map(page, shop):
    wide(page)
    page.goto(f"{page.base}/reserve/pune-1/{shop.variant.pk}/")
    expect(page.locator(".delivery-fields")).to_be_hidden()  # collect is chosen
    page.get_by_label("Local delivery").check()
    expect(page.locator(".delivery-fields")).to_be_visible()
    page.locator("#delivery-map").scroll_into_view_if_needed()
    box = page.locator("#delivery-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 + 20, box["y"] + box["height"] / 2)
    expect(page.locator("#delivery-pin-status")).to_have_text("Inside the delivery area")
    assert page.locator("#id_delivery_lat").input_value()
    page.locator("#id_delivery_address").fill("12 MG Road, Pune")
    page.locator("#id_shopper_name").fill("Asha")
    page.locator("#id_shopper_email").fill("asha@example.com")
    page.locator("#id_shopper_phone").fill("+91 90000 00000")
    page.get_by_role("button", name="Reserve").click()
    expect(page.locator("p.code")).to_contain_text("Delivery code")
    expect(page.get_by_text("Directions to the shop")).to_have_count(0)
    reservation = Reservation.objects.get()
    assert reservation.fulfilment == "delivery"
    assert reservation.delivery_latitude is not None


def test_without_javascript_nothing_dead_is_shown(browser, live_server, shop):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 780})
    page = context.new_page()
    page.goto(f"{live_server.url}/aurora/aurora-12/")
    expect(page.get_by_role("button", name="Use my location")).to_be_hidden()
    page.locator("input[name=city]").fill("411001")
    page.locator("form.locate button[type=submit]").click()
    expect(page.locator("ol.outlets")).to_contain_text("Pune Mobiles")
    page.goto(f"{live_server.url}/reserve/pune-1/{shop.variant.pk}/")
    expect(page.get_by_role("button", name="Deliver to where I am now")).to_be_hidden()
    context.close()


def qr_video(tmp_path, text):
    """A Y4M clip of the QR code, as a phone camera would see it (Chromium's fake camera)."""
    import segno
    from PIL import Image

    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=8, border=4)
    code = Image.open(io.BytesIO(buffer.getvalue())).convert("L")
    frame = Image.new("L", (640, 480), 200)
    frame.paste(code, ((640 - code.width) // 2, (480 - code.height) // 2))
    chroma = bytes([128]) * (320 * 240)
    path = tmp_path / "qr.y4m"
    with open(path, "wb") as clip:
        clip.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _ in range(10):
            clip.write(b"FRAME\n" + frame.tobytes() + chroma + chroma)
    return path


def sign_in(page, base, username):
    page.goto(f"{base}/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))


def test_the_counter_on_a_phone_scans_the_shoppers_qr_code(browser, live_server, tmp_path):
    world = build()
    mine = Reservation.objects.get(outlet__retailer__name="Shop A")
    theirs = Reservation.objects.get(outlet__retailer__name="Shop B")
    camera = qr_video(tmp_path, mine.code)
    args = [
        *ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={camera}",
    ]
    with_camera = browser.browser_type.launch(executable_path=CHROMIUM, headless=True, args=args)
    try:
        context = with_camera.new_context(
            viewport={"width": 390, "height": 844}, permissions=["camera"], has_touch=True
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, live_server.url, world.users["a_staff"].username)
        page.get_by_test_id("counter-link").click()
        expect(page.locator("#state-pending")).to_be_visible()
        expect(page.locator(f"[data-code='{mine.code}']")).to_be_visible()
        expect(page.locator(f"[data-code='{theirs.code}']")).to_have_count(0)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways
        found = serious_violations(page)
        assert found == [], [(v["id"], [n["html"] for n in v["nodes"]]) for v in found]
        screenshot(page, "counter-390")
        card = page.locator(f"[data-code='{mine.code}']").first
        card.get_by_role("button", name="Confirm").click()
        expect(page.locator(".messagelist")).to_contain_text(f"{mine.code}: Confirmed")
        page.locator(f"[data-code='{mine.code}']").first.get_by_role(
            "button", name="Mark ready"
        ).click()
        page.get_by_role("button", name="Scan the shopper's QR code").click()
        expect(page.locator(".counter-found")).to_be_visible()  # the camera read the code
        assert page.locator("#code").input_value() == mine.code
        page.locator(".counter-found").get_by_role("button", name="Hand over").click()
        expect(page.locator(".messagelist")).to_contain_text(f"{mine.code}: Collected")
        expect(page.get_by_text("1 handed over today.")).to_be_visible()
        assert serious_violations(page) == []
        context.close()
    finally:
        with_camera.close()
    mine.refresh_from_db()
    assert mine.status == "collected"


def test_the_stock_list_fits_1280_and_names_a_refused_row(browser, live_server):
    world = build()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    sign_in(page, live_server.url, world.users["a_owner"].username)
    page.goto(f"{live_server.url}/admin/inventory/stocklevel/")
    for column in ("on_hand", "reserved", "available_units"):
        box = page.locator(f"#result_list th.column-{column}").bounding_box()
        assert box, column
        assert box["x"] + box["width"] <= 1280, column
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.locator("#result_list input[name$='-on_hand']").first.fill("0")  # 1 unit is held
    page.get_by_role("button", name="Save").click()
    message = page.locator(".messagelist .error").first
    expect(message).to_contain_text("1 units are held for reservations")
    expect(message).to_contain_text(" at ")
    assert message.bounding_box()["y"] < 800  # at the top, in sight
    screenshot(page, "stock-list-1280")
    context.close()


def test_the_dashboard_in_hindi_names_places(browser, live_server):
    world = build()
    brand, variant = world.sides[0][1], world.sides[0][3]
    for _n in range(4):
        DemandSignal.objects.create(
            brand=brand, variant=variant, cell_lat=18.5, cell_lng=73.85, found=False
        )
    from django.utils import timezone

    from o2o.dashboard.services import roll_up_day

    roll_up_day(brand=brand, day=timezone.now().date(), stock_snapshot=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="hi-IN")
    page = context.new_page()
    sign_in(page, live_server.url, world.users["x_manager"].username)
    page.goto(f"{live_server.url}/dashboard/{brand.slug}/")
    expect(page.locator("h1")).to_contain_text("पिछले 30 दिन")
    expect(page.get_by_test_id("unmet-place").first).to_have_text("पुणे")
    expect(page.locator("#unmet-map")).to_have_attribute("data-base", "outlines")
    expect(page.locator("svg.chart .tick").first).to_be_visible()
    screenshot(page, "dashboard-hindi-1280")
    context.close()
