"""The shop counter: today's reservations by state, one tap to move each on, hand-over by
code, a quick count; only the user's own shops, through every field it offers."""

import pytest
from django.test import Client

from o2o.inventory.models import StockLevel
from o2o.reservations import services
from o2o.reservations.models import Reservation
from tests.admin.tenancy_world import build, login


@pytest.fixture
def world(db):
    return build()


def own_and_foreign(world):
    mine = Reservation.objects.get(outlet__retailer__name="Shop A")
    theirs = Reservation.objects.get(outlet__retailer__name="Shop B")
    return mine, theirs


def test_the_queue_shows_own_reservations_by_state(world, django_assert_max_num_queries):
    mine, theirs = own_and_foreign(world)
    client = login(world, "a_staff")
    with django_assert_max_num_queries(20):
        page = client.get("/admin/counter/").content.decode()
    assert mine.code in page
    assert theirs.code not in page
    assert "To confirm" in page
    assert "Confirm</button>" in page


def test_the_queue_stays_bounded_with_many_reservations(world, django_assert_max_num_queries):
    mine, _theirs = own_and_foreign(world)
    level = StockLevel.objects.get(outlet=mine.outlet)
    StockLevel.objects.filter(pk=level.pk).update(on_hand=60)
    for n in range(40):
        services.reserve(
            outlet=mine.outlet,
            variant=level.variant,
            quantity=1,
            shopper_name=f"S{n}",
            shopper_email=f"s{n}@example.com",
            shopper_phone="+91 9000000000",
        )
    client = login(world, "a_staff")
    with django_assert_max_num_queries(20):
        page = client.get("/admin/counter/").content.decode()
    assert page.count('class="counter-card') >= 41


def test_one_tap_moves_a_reservation_on_and_hands_it_over(world):
    mine, _theirs = own_and_foreign(world)
    client = login(world, "a_staff")
    for action, status in (("confirm", "confirmed"), ("ready", "ready"), ("collect", "collected")):
        response = client.post("/admin/counter/act/", {"code": mine.code, "action": action})
        assert response.status_code == 302
        mine.refresh_from_db()
        assert mine.status == status
    page = client.get("/admin/counter/").content.decode()
    assert "1 handed over today." in page


def test_a_typed_or_scanned_code_finds_the_reservation(world):
    mine, theirs = own_and_foreign(world)
    client = login(world, "a_staff")
    page = client.get("/admin/counter/", {"code": mine.code.lower()}).content.decode()
    assert "counter-found" in page
    assert 'value="collect"' in page
    foreign = client.get("/admin/counter/", {"code": theirs.code}).content.decode()
    assert "counter-found" not in foreign
    assert f"No reservation {theirs.code} at your shops." in foreign


@pytest.mark.parametrize("field", ["code", "action"])
def test_another_shops_reservation_cannot_be_touched(world, field):
    _mine, theirs = own_and_foreign(world)
    client = login(world, "a_owner")
    data = {"code": theirs.code, "action": "confirm"}
    if field == "action":
        data["action"] = "cancel"  # not an action the counter offers
    response = client.post("/admin/counter/act/", data)
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "pending"


def test_brand_staff_and_shoppers_get_no_counter(world):
    assert login(world, "x_manager").get("/admin/counter/").status_code == 403
    assert Client().get("/admin/counter/").status_code == 302  # to the login page
    assert login(world, "x_manager").post("/admin/counter/act/", {}).status_code == 403


def test_a_quick_count_of_one_item(world):
    mine, _theirs = own_and_foreign(world)
    level = StockLevel.objects.get(outlet=mine.outlet)
    foreign = StockLevel.objects.get(outlet__retailer__name="Shop B")
    client = login(world, "a_staff")
    page = client.get("/admin/counter/", {"item": level.variant.sku}).content.decode()
    assert f"/admin/counter/stock/{level.pk}/" in page
    assert f"/admin/counter/stock/{foreign.pk}/" not in page
    assert (
        client.get("/admin/counter/", {"item": foreign.variant.sku})
        .content.decode()
        .count("/admin/counter/stock/")
        == 0
    )
    client.post(f"/admin/counter/stock/{level.pk}/", {"on_hand": "7", "item": level.variant.sku})
    level.refresh_from_db()
    assert level.on_hand == 7
    below = client.post(
        f"/admin/counter/stock/{level.pk}/",
        {"on_hand": "0", "item": level.variant.sku},
        follow=True,
    )
    assert "held for reservations" in below.content.decode()
    junk = client.post(f"/admin/counter/stock/{level.pk}/", {"on_hand": "7\x00"}, follow=True)
    assert "whole number" in junk.content.decode()
    level.refresh_from_db()
    assert level.on_hand == 7
    assert client.post(f"/admin/counter/stock/{foreign.pk}/", {"on_hand": "0"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.on_hand == 10


def test_the_stock_list_names_the_refused_row_and_why(world):
    mine, _theirs = own_and_foreign(world)
    level = StockLevel.objects.get(outlet=mine.outlet)  # 10 on hand, 1 held
    client = login(world, "a_owner")
    response = client.post(
        "/admin/inventory/stocklevel/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(level.pk),
            "form-0-on_hand": "0",
            "_save": "Save",
        },
    )
    page = response.content.decode()
    assert f"{level.variant} at {level.outlet.name} ({level.variant.sku}):" in page
    assert "1 units are held for reservations" in page
    level.refresh_from_db()
    assert level.on_hand == 10


@pytest.mark.parametrize("typed", ["\x00", "AB\x00CD", "x" * 500, "\ufffd\x7f"])
def test_worst_bytes_in_every_counter_field_are_refused_not_a_500(world, typed):
    mine, _theirs = own_and_foreign(world)
    level = StockLevel.objects.get(outlet=mine.outlet)
    client = login(world, "a_staff")
    client.raise_request_exception = False
    assert client.get("/admin/counter/", {"code": typed}).status_code == 200
    assert client.get("/admin/counter/", {"item": typed}).status_code == 200
    assert (
        client.post("/admin/counter/act/", {"code": typed, "action": "confirm"}).status_code == 404
    )
    assert (
        client.post(
            f"/admin/counter/stock/{level.pk}/", {"on_hand": typed, "item": typed}
        ).status_code
        == 302
    )
    mine.refresh_from_db()
    level.refresh_from_db()
    assert (mine.status, level.on_hand) == ("pending", 10)


def test_a_count_beyond_any_shelf_is_refused_with_the_limit(world, settings):
    mine, _theirs = own_and_foreign(world)
    level = StockLevel.objects.get(outlet=mine.outlet)
    client = login(world, "a_staff")
    client.raise_request_exception = False
    response = client.post(
        f"/admin/counter/stock/{level.pk}/", {"on_hand": "99999999999999"}, follow=True
    )
    assert response.status_code == 200
    assert f"A count is at most {settings.O2O_SNAPSHOT_MAX_ON_HAND:,} units." in (
        response.content.decode()
    )
    level.refresh_from_db()
    assert level.on_hand == 10
