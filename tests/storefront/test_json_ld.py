"""Product pages carry schema.org JSON-LD (Product, Offer) that a structured-data
extractor reads back: price and currency of the chosen variant, and, when the shopper
gave a place, whether it is in stock nearby and at which shops."""

import extruct
import pytest

from tests.factories import OutletFactory, authorise, stock

SCHEMA = "https://schema.org/"


def products(response):
    assert response.status_code == 200
    found = extruct.extract(response.text, syntaxes=["json-ld"], uniform=True)["json-ld"]
    return [item for item in found if item.get("@type") == "Product"]


def test_a_product_page_describes_the_chosen_variant(client, world):
    (product,) = products(client.get(f"/aurora/aurora-12/?variant={world.other_variant.pk}"))
    assert product["sku"] == "AUR-12-256-BLU"
    assert product["color"] == "Blue"
    assert product["brand"] == {"@type": "Brand", "name": "Aurora"}
    offer = product["offers"]
    assert offer["@type"] == "Offer"
    assert offer["price"] == str(world.other_variant.price)
    assert offer["priceCurrency"] == world.brand.currency
    assert offer["availability"] == SCHEMA + "InStoreOnly"  # no place known: sold in shops
    assert offer["url"].endswith(f"/aurora/aurora-12/?variant={world.other_variant.pk}")
    assert offer["url"].startswith("http")
    assert "availableAtOrFrom" not in offer


def test_with_a_place_the_offer_names_the_nearest_shops_with_stock(client, world):
    far = OutletFactory(code="pune-far", name="Far Mobiles", latitude=18.60, longitude=73.86)
    authorise(far, world.brand)
    stock(far, world.variant, 2)
    (product,) = products(client.get("/aurora/aurora-12/", {"city": "Pune"}))
    offer = product["offers"]
    assert offer["availability"] == SCHEMA + "InStock"
    shops = offer["availableAtOrFrom"]
    assert [shop["name"] for shop in shops] == ["Pune Mobiles", "Far Mobiles"]  # nearest first
    assert shops[0]["@type"] == "Store"
    assert shops[0]["address"]["addressLocality"] == world.outlet.city
    assert shops[0]["geo"]["latitude"] == pytest.approx(world.outlet.latitude)


def test_with_a_place_and_no_stock_nearby_the_offer_says_out_of_stock(client, world):
    world.level.on_hand = 0
    world.level.save()
    (product,) = products(client.get("/aurora/aurora-12/", {"city": "Pune"}))
    assert product["offers"]["availability"] == SCHEMA + "OutOfStock"
    assert "availableAtOrFrom" not in product["offers"]


def test_what_shops_typed_cannot_break_out_of_the_script(client, world):
    world.outlet.name = "</script><script>alert(1)</script> & Co"
    world.outlet.save()
    response = client.get("/aurora/aurora-12/", {"city": "Pune"})
    assert "<script>alert(1)" not in response.text
    (product,) = products(response)
    assert product["offers"]["availableAtOrFrom"][0]["name"] == world.outlet.name
