"""Postcodes work out of the box for the demo's countries (shipped data, no import)."""

import pytest

from o2o.locator.geocoding import locate_postcode
from o2o.locator.models import Postcode


@pytest.mark.parametrize(
    ("typed", "language", "city", "near"),
    [
        ("411001", "en", "Pune", (18.51, 73.87)),
        ("400001", "en", "Mumbai", (18.94, 72.83)),
        ("411 001", "en", "Pune", (18.51, 73.87)),
        ("200000", "zh-hans", "上海市", (31.23, 121.47)),
        ("400000 CN", "en", "重庆市", (29.57, 106.55)),  # the country named decides
    ],
)
def test_a_shopper_finds_shops_by_postcode(client, world, typed, language, city, near):
    place = locate_postcode(typed)
    page = client.get(
        "/aurora/aurora-12/", {"city": typed}, headers={"Accept-Language": language}
    ).content.decode()
    assert "We could not find" not in page
    assert "कोई शहर" not in page
    assert city in page
    assert place is not None
    if place.country == "IN":
        assert abs(place.latitude - near[0]) < 0.05
        assert abs(place.longitude - near[1]) < 0.05
    if city == "Pune":
        assert "Pune Mobiles" in page  # the world's shop, 1 km away


def test_the_same_six_digits_prefer_the_shoppers_country(db):
    assert locate_postcode("400000", prefer=("CN", "IN")).country == "CN"
    assert locate_postcode("400001", prefer=("IN", "CN")).name == "400001 Mumbai"


def test_an_imported_postcode_wins_and_junk_finds_nothing(db):
    Postcode.objects.create(country="IN", code="411001", place="Pune Camp", latitude=1, longitude=2)
    assert locate_postcode("411001").name == "Pune Camp"
    for junk in ["", "0", "999999 IN", "41100\x00", "４１１００１x", "1" * 40, "CN", "IN 41100"]:
        place = locate_postcode(junk)
        assert place is None or place.country in ("IN", "CN")
    assert locate_postcode("999999 IN") is None
    assert locate_postcode("000000") is None


@pytest.mark.parametrize(
    "typed", ["4110\x0001", "\x00", "411001\x00", "CN 4000\x0000", "４１１００１"]
)
def test_worst_bytes_in_the_place_field_get_a_form_error_not_a_500(client, world, typed):
    response = client.get("/aurora/aurora-12/", {"city": typed})
    assert response.status_code in (200, 400)
    delivery = client.post(
        f"/reserve/pune-1/{world.variant.pk}/",
        {
            "shopper_name": "A",
            "shopper_email": "a@example.com",
            "shopper_phone": "+91 9000000000",
            "fulfilment": "delivery",
            "delivery_address": "1 Road",
            "delivery_postcode": typed,
        },
    )
    assert delivery.status_code == 400
