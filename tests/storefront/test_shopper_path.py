import re

import pytest

from o2o.inventory.models import StockLevel
from o2o.locator.models import DemandSignal
from o2o.reservations.models import Reservation
from tests.factories import OutletFactory, ProductFactory, VariantFactory, authorise, stock

SHOPPER = {
    "shopper_name": "Priya Shah",
    "shopper_email": "priya@example.com",
    "shopper_phone": "+91 98123 45678",
    "quantity": "2",
}


def test_the_whole_shopper_path(client, world):
    page = client.get("/").content.decode()
    assert "Aurora" in page

    page = client.get("/aurora/").content.decode()
    assert "Aurora 12" in page

    page = client.get("/aurora/?q=12").content.decode()
    assert "1 product matches" in page

    page = client.get(f"/aurora/aurora-12/?variant={world.variant.pk}&city=Pune")
    text = page.content.decode()
    assert "Pune Mobiles" in text
    assert "5 available" in text
    assert "0.0 km" in text
    reserve_url = f"/reserve/pune-1/{world.variant.pk}/"
    assert reserve_url in text

    response = client.post(reserve_url, SHOPPER)
    reservation = Reservation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/reservations/{reservation.code}/"

    page = client.get(response["Location"]).content.decode()
    assert reservation.code in page
    assert "Pending" in page
    assert "Held for you until" in page
    assert StockLevel.objects.get(pk=world.level.pk).reserved == 2

    client.post(f"/reservations/{reservation.code}/cancel/")
    page = client.get(f"/reservations/{reservation.code}/").content.decode()
    assert "Cancelled" in page
    assert "Cancel reservation" not in page
    assert StockLevel.objects.get(pk=world.level.pk).reserved == 0


def test_not_enough_stock_is_a_clear_message(client, world):
    StockLevel.objects.filter(pk=world.level.pk).update(reserved=4)
    response = client.post(f"/reserve/pune-1/{world.variant.pk}/", SHOPPER)
    assert response.status_code == 400
    assert "no longer has enough units" in response.content.decode()
    assert not Reservation.objects.exists()


def test_reservation_form_errors_are_shown(client, world):
    response = client.post(
        f"/reserve/pune-1/{world.variant.pk}/",
        {**SHOPPER, "shopper_email": "nope", "quantity": "0"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Enter a valid email address." in text
    assert "greater than or equal to 1" in text


def test_unknown_city_and_empty_search_explain_themselves(client, world):
    text = client.get("/aurora/aurora-12/?city=Zzyzxqville").content.decode()
    assert "could not find a city or postcode called" in text
    text = client.get("/aurora/aurora-12/?city=").content.decode()
    assert "Enter a city or postcode, or use your location." in text


def test_browser_location_and_city_in_another_language(client, world):
    text = client.get("/aurora/aurora-12/?lat=18.52&lng=73.85").content.decode()
    assert "Pune Mobiles" in text
    text = client.get("/aurora/aurora-12/?city=पुणे").content.decode()
    assert "Pune Mobiles" in text
    assert DemandSignal.objects.filter(found=True).count() == 2


def test_outlets_without_stock_are_not_listed_and_demand_is_recorded(client, world):
    StockLevel.objects.filter(pk=world.level.pk).update(on_hand=0)
    text = client.get("/aurora/aurora-12/?city=Pune").content.decode()
    assert "No shop near Pune has this one" in text
    assert DemandSignal.objects.get().found is False


def test_htmx_requests_get_the_fragment_only(client, world):
    response = client.get(
        "/aurora/?q=aurora", headers={"HX-Request": "true", "HX-Target": "product-list"}
    )
    text = response.content.decode()
    assert "Aurora 12" in text
    assert "<html" not in text
    response = client.get(
        "/aurora/aurora-12/?city=Pune", headers={"HX-Request": "true", "HX-Target": "nearby"}
    )
    text = response.content.decode()
    assert "Pune Mobiles" in text
    assert "<html" not in text


def test_reservation_pages_are_private_to_the_shopper(client, world):
    client.post(f"/reserve/pune-1/{world.variant.pk}/", SHOPPER)
    code = Reservation.objects.get().code
    stranger = client.__class__()
    assert stranger.get(f"/reservations/{code}/")["Location"] == "/reservations/"
    response = stranger.post("/reservations/", {"code": code, "email": "x@example.com"})
    assert "No reservation matches" in response.content.decode()
    response = stranger.post("/reservations/", {"code": code.lower(), "email": "PRIYA@example.com"})
    assert response["Location"] == f"/reservations/{code}/"
    assert code in stranger.get(response["Location"]).content.decode()


def test_unpublished_products_are_not_shown(client, world):
    ProductFactory(brand=world.brand, name="Secret 99", slug="secret-99", status="draft")
    assert "Secret 99" not in client.get("/aurora/").content.decode()
    assert client.get("/aurora/secret-99/").status_code == 404


@pytest.mark.parametrize("products", [3, 30])
def test_catalogue_query_count_does_not_grow_with_products(
    client, world, products, django_assert_max_num_queries
):
    for _ in range(products):
        VariantFactory(product=ProductFactory(brand=world.brand, category=world.product.category))
    with django_assert_max_num_queries(7):
        response = client.get("/aurora/")
    assert response.status_code == 200
    shown = len(re.findall(r'class="card"', response.content.decode()))
    assert shown == min(products + 1, 24)


@pytest.mark.parametrize("outlets", [2, 25])
def test_nearby_query_count_does_not_grow_with_outlets(
    client, world, outlets, django_assert_max_num_queries
):
    for index in range(outlets):
        outlet = OutletFactory(latitude=18.52 + index * 0.001, longitude=73.85)
        authorise(outlet, world.brand)
        stock(outlet, world.variant, 3)
    # 9 for the page + at most two locator queries (start radius, then the maximum)
    with django_assert_max_num_queries(14):
        response = client.get(f"/aurora/aurora-12/?variant={world.variant.pk}&city=Pune")
    assert response.status_code == 200
    assert response.content.decode().count("Reserve here") == min(outlets + 1, 10)
