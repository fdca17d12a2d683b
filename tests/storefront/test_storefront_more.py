"""Catalogue filters, product details, delivery, limits, races, follow-up and accounts."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from o2o.inventory.models import StockLevel
from o2o.notifications import sms
from o2o.outlets.models import Outlet
from o2o.reservations import services
from o2o.reservations.models import Reservation
from tests.factories import OutletFactory, ProductFactory, VariantFactory, authorise, stock

SHOPPER = {
    "shopper_name": "Priya",
    "shopper_email": "priya@example.com",
    "shopper_phone": "+91 98123 45678",
    "quantity": "1",
}


def cards(response):
    return response.content.decode().count('class="card"')


def test_catalogue_filters_and_sort(client, world):
    cheap = ProductFactory(
        brand=world.brand, category=world.product.category, name="Budget 1", slug="budget-1"
    )
    VariantFactory(product=cheap, price=5000, storage_gb=64, colour="Green")
    assert cards(client.get("/aurora/?storage=64")) == 1
    assert cards(client.get("/aurora/?colour=Green")) == 1
    assert cards(client.get("/aurora/?price_max=6000")) == 1
    assert cards(client.get("/aurora/?price_min=6000")) == 1
    page = client.get("/aurora/?sort=price").content.decode()
    assert page.index("Budget 1") < page.index("Aurora 12")
    page = client.get("/aurora/?sort=-price").content.decode()
    assert page.index("Aurora 12") < page.index("Budget 1")
    bad = client.get("/aurora/?price_min=9000&price_max=100").content.decode()
    assert "The highest price is below the lowest." in bad


def test_in_stock_near_me_needs_a_place_and_then_filters(client, world):
    far = ProductFactory(
        brand=world.brand, category=world.product.category, name="Far Phone", slug="far-phone"
    )
    far_variant = VariantFactory(product=far)
    distant = OutletFactory(latitude=28.61, longitude=77.21)  # Delhi
    authorise(distant, world.brand)
    stock(distant, far_variant, 3)
    assert "set your city first" in client.get("/aurora/?near=on").content.decode()
    client.get("/aurora/aurora-12/?city=Pune")
    page = client.get("/aurora/?near=on").content.decode()
    assert "Aurora 12" in page
    assert "Far Phone" not in page


def test_prices_follow_the_locale(client, world):
    world.variant.price = 123456
    world.variant.save()
    english = client.get("/aurora/aurora-12/").content.decode()
    assert "₹123,456" in english
    hindi = client.get("/aurora/aurora-12/", headers={"Accept-Language": "hi"}).content.decode()
    assert "₹1,23,456" in hindi


def test_product_page_details_low_stock_freshness_and_hours(
    client, world, django_capture_on_commit_callbacks
):
    world.product.specs = {"Battery": "5000 mAh"}
    world.product.save()
    Outlet.objects.filter(pk=world.outlet.pk).update(
        weekly_hours=[[["00:00", "00:00"]]] * 7,  # 00:00 to 00:00: open all day, every day
        stock_synced_at=timezone.now() - timedelta(minutes=5),
        phone="+91 20 2612 3456",
    )
    StockLevel.objects.filter(pk=world.level.pk).update(on_hand=2)
    page = client.get("/aurora/aurora-12/?city=Pune").content.decode()
    assert "5000 mAh" in page
    assert "Low stock: 2 left" in page
    assert "updated 5" in page
    assert "Open until 00:00" in page
    assert '<a href="tel:+91-20-2612-3456">020 2612 3456</a>' in page  # dialled in full
    assert 'id="map-data"' in page
    world.outlet.refresh_from_db()
    world.outlet.stock_synced_at = timezone.now() - timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):  # its commit retires answers
        world.outlet.save(update_fields=["stock_synced_at"])  # as a sync would
    assert "call to confirm" in client.get("/aurora/aurora-12/").content.decode()


def test_variant_panel_over_htmx(client, world):
    response = client.get(
        f"/aurora/aurora-12/?variant={world.other_variant.pk}",
        headers={"HX-Request": "true", "HX-Target": "variant-panel"},
    )
    text = response.content.decode()
    assert "<html" not in text
    assert world.other_variant.sku in text


def test_city_suggestions_and_postcodes(client, world, tmp_path):
    options = client.get("/places/?city=Pun").content.decode()
    assert 'value="Pune, IN"' in options
    assert client.get("/places/?city=").content.decode().strip() == ""
    table = tmp_path / "postcodes.csv"
    table.write_text(
        "country,postcode,place,latitude,longitude\nIN,411001,Pune Camp,18.52,73.87\nIN,bad,,x,y\n"
    )
    call_command("import_postcodes", str(table))
    page = client.get("/aurora/aurora-12/?city=411 001").content.decode()
    assert "Pune Mobiles" in page
    assert "Pune Camp" in page


def test_no_delivery_option_when_the_shop_does_not_deliver(client, world):
    page = client.get(f"/reserve/pune-1/{world.variant.pk}/").content.decode()
    assert 'value="delivery"' not in page
    refused = client.post(
        f"/reserve/pune-1/{world.variant.pk}/",
        {**SHOPPER, "fulfilment": "delivery", "delivery_address": "x"},
    )
    assert refused.status_code == 400


def test_quantity_limit_per_brand(client, world):
    world.brand.max_units_per_reservation = 2
    world.brand.save()
    response = client.post(f"/reserve/pune-1/{world.variant.pk}/", {**SHOPPER, "quantity": "3"})
    assert "less than or equal to 2" in response.content.decode()


def test_lost_race_offers_the_next_shop(client, world):
    second = OutletFactory(code="pune-2", name="Second Shop", latitude=18.53, longitude=73.86)
    authorise(second, world.brand)
    stock(second, world.variant, 4)
    client.get("/aurora/aurora-12/?city=Pune")
    StockLevel.objects.filter(pk=world.level.pk).update(reserved=5)  # someone was faster
    response = client.post(f"/reserve/pune-1/{world.variant.pk}/", SHOPPER)
    text = response.content.decode()
    assert "no longer has enough units" in text
    assert "Second Shop" in text
    assert f"/reserve/pune-2/{world.variant.pk}/" in text


def test_reservation_page_qr_timeline_and_messages(
    client, world, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.O2O_SMS_BACKEND = "o2o.notifications.sms.LocmemBackend"
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/reserve/pune-1/{world.variant.pk}/", SHOPPER, headers={"Accept-Language": "hi"}
        )
    reservation = Reservation.objects.get()
    assert reservation.language == "hi"
    assert len(mailoutbox) == 1
    assert sms.outbox[0][0] == "+919812345678"
    assert reservation.code in sms.outbox[0][1]
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm(reservation_id=reservation.pk)
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page
    assert "Pickup code" in page
    assert "Confirmed by the shop" in page
    assert "openstreetmap.org/directions" in page


def test_shopper_accounts_list_their_reservations(client, world):
    response = client.post(
        "/account/signup/", {"email": "Asha@Example.com", "password": "a-long-pass-2026"}
    )
    assert response.status_code == 302
    client.post(f"/reserve/pune-1/{world.variant.pk}/", SHOPPER)
    code = Reservation.objects.get().code
    other = client.__class__()
    other.post("/account/login/", {"username": "asha@example.com", "password": "a-long-pass-2026"})
    page = other.get("/reservations/").content.decode()
    assert code in page
    assert other.get(f"/reservations/{code}/").status_code == 200
    duplicate = client.__class__().post(
        "/account/signup/", {"email": "asha@example.com", "password": "another-pass-2026"}
    )
    assert "sign in instead" in duplicate.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/aurora/",
        "/aurora/aurora-12/?city=Pune",
        "/reservations/",
        "/account/signup/",
        "/account/login/",
    ],
)
def test_pages_render_in_all_three_languages(client, world, path):
    for language in ("en", "hi", "zh-hans"):
        response = client.get(path, headers={"Accept-Language": language})
        assert response.status_code == 200
        assert f'lang="{language}"' in response.content.decode()


def test_hindi_and_chinese_pages_are_translated(client, world):
    hindi = client.get("/aurora/aurora-12/?city=Pune", headers={"Accept-Language": "hi"})
    assert "आपके पास उपलब्ध" in hindi.content.decode()
    assert "यहाँ आरक्षित करें" in hindi.content.decode()
    chinese = client.get("/aurora/aurora-12/?city=Pune", headers={"Accept-Language": "zh-hans"})
    assert "您附近有货" in chinese.content.decode()
    assert "在此预订" in chinese.content.decode()


def test_every_shopper_facing_string_has_both_translations():
    import re
    from pathlib import Path

    shopper_files = (
        "templates/storefront",
        "templates/base.html",
        "o2o/storefront",
        "templates/notifications/reservation",
        "o2o/reservations/errors",
    )
    for language in ("hi", "zh_Hans"):
        catalogue = Path(f"locale/{language}/LC_MESSAGES/django.po").read_text(encoding="utf-8")
        for entry in catalogue.split("\n\n"):
            references = " ".join(re.findall(r"^#: (.*)$", entry, re.M))
            if not any(f in references for f in shopper_files):
                continue
            assert not re.search(r'^msgstr(\[0\])? ""\n(?!")', entry + "\n", re.M), entry


@pytest.mark.parametrize("extra", [1, 15])
def test_every_shopper_page_runs_a_bounded_number_of_queries(
    client, world, extra, django_assert_max_num_queries
):
    for _ in range(extra):
        outlet = OutletFactory(latitude=18.52, longitude=73.85)
        authorise(outlet, world.brand)
        stock(outlet, world.variant, 2)
    client.post(f"/reserve/pune-1/{world.variant.pk}/", SHOPPER)
    code = Reservation.objects.get().code
    for path in (
        "/",
        f"/reserve/pune-1/{world.variant.pk}/",
        f"/reservations/{code}/",
        "/reservations/",
        "/places/?city=Pun",
        "/account/signup/",
    ):
        with django_assert_max_num_queries(12):
            assert client.get(path).status_code == 200, path


def test_a_shop_that_does_not_deliver_asks_for_no_delivery_address(client, world):
    from o2o.outlets.models import Outlet

    Outlet.objects.filter(pk=world.outlet.pk).update(delivery_radius_km=0)
    page = client.get(f"/reserve/pune-1/{world.variant.pk}/").content.decode()
    assert 'name="delivery_address"' not in page
    assert 'type="radio"' not in page
    response = client.post(
        f"/reserve/pune-1/{world.variant.pk}/",
        {
            "shopper_name": "Priya",
            "shopper_email": "priya@example.com",
            "shopper_phone": "+91 98123 45678",
            "quantity": "1",
        },
    )
    assert response.status_code == 302


def test_the_catalogue_links_to_the_partner_application(client, world):
    page = client.get("/aurora/").content.decode()
    assert "/partners/aurora/apply/" in page


def test_the_cancel_form_asks_before_cancelling(client, world):
    from o2o.reservations import services

    reservation = services.reserve(
        outlet=world.outlet,
        variant=world.variant,
        quantity=1,
        shopper_name="P",
        shopper_email="p@example.com",
        shopper_phone="+91 9000000000",
    )
    client.post("/reservations/", {"code": reservation.code, "email": "p@example.com"})
    page = client.get(f"/reservations/{reservation.code}/").content.decode()
    assert "data-confirm=" in page
