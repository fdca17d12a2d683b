"""Channels (issue 17, part 4): a product is sold in partner shops, on partner e-shops, or
both. The product page links to the e-shops ("also on"), an online-only product shows its
e-shop links and no shop search, the links carry the brand's tracking parameters and every
click is counted for the brand's dashboard."""

from urllib.parse import parse_qs, urlsplit

import pytest
from rest_framework.test import APIClient

from o2o.catalogue.models import EShop, EShopClicks, EShopListing, Product
from o2o.localfeeds.services import generate_feeds
from o2o.reservations.models import Reservation
from tests.admin.tenancy_world import build, login
from tests.factories import api_reservation


@pytest.fixture
def listings(world):
    mart = EShop.objects.create(
        brand=world.brand, name="Mart", tracking="utm_source=o2o&utm_medium=referral"
    )
    bazaar = EShop.objects.create(brand=world.brand, name="Bazaar", tracking="ref=aurora")
    closed = EShop.objects.create(brand=world.brand, name="Closed", is_active=False)
    return {
        "mart": EShopListing.objects.create(
            product=world.product, eshop=mart, url="https://mart.example/p/123?color=black"
        ),
        "bazaar": EShopListing.objects.create(
            product=world.product, eshop=bazaar, url="https://bazaar.example/aurora-12"
        ),
        "closed": EShopListing.objects.create(
            product=world.product, eshop=closed, url="https://closed.example/x"
        ),
    }


def page(client, world, **params):
    return client.get(f"/{world.brand.slug}/{world.product.slug}/", params).content.decode()


def sell(world, channels):
    Product.objects.filter(pk=world.product.pk).update(channels=channels)
    world.product.refresh_from_db()
    world.product.save()  # as the admin would: cached pages are retired


def test_a_product_in_shops_and_online_links_to_its_eshops_beside_the_shops(
    client, world, listings
):
    sell(world, "both")
    body = page(client, world, city="Pune")
    eshops = body[body.index('data-testid="eshops"') :]
    assert "Also on" in eshops
    assert f'href="/go/{listings["mart"].pk}/"' in eshops
    assert f'href="/go/{listings["bazaar"].pk}/"' in eshops
    assert "Closed" not in eshops.split("</section>")[0]  # an inactive partner is not shown
    assert "Reserve here" in body  # the shops with stock are still there
    gone = client.get(f"/go/{listings['mart'].pk}/")
    assert gone.status_code == 302
    target = urlsplit(gone["Location"])
    assert (target.netloc, target.path) == ("mart.example", "/p/123")
    assert parse_qs(target.query) == {
        "color": ["black"],
        "utm_source": ["o2o"],
        "utm_medium": ["referral"],
    }
    assert gone["Cache-Control"] == "no-store"
    client.get(f"/go/{listings['mart'].pk}/")
    client.get(f"/go/{listings['bazaar'].pk}/")
    assert dict(EShopClicks.objects.values_list("listing__eshop__name", "clicks")) == {
        "Mart": 2,
        "Bazaar": 1,
    }
    assert client.get(f"/go/{listings['closed'].pk}/").status_code == 404
    assert client.get("/go/999999/").status_code == 404


def test_an_online_only_product_shows_its_eshops_and_no_shop(client, world, listings):
    sell(world, "online")
    body = page(client, world, city="Pune")
    assert 'data-testid="online-only"' in body
    assert "Buy it from our partner e-shops" in body
    assert "Reserve here" not in body
    assert 'id="near-heading"' not in body  # no shop search at all
    refused = APIClient().post("/api/v1/reservations/", api_reservation(world), format="json")
    assert refused.status_code == 400
    assert "sold online only" in refused.json()["detail"]
    assert not Reservation.objects.exists()
    detail = APIClient().get(f"/api/v1/brands/{world.brand.slug}/products/{world.product.slug}/")
    answer = detail.json()
    assert answer["channels"] == "online"
    assert sorted(link["name"] for link in answer["eshops"]) == ["Bazaar", "Mart"]
    assert all("/go/" in link["url"] for link in answer["eshops"])
    inventory, _stores = generate_feeds(brand=world.brand)
    assert inventory.rows == 0  # Google's local inventory is for products in shops


def test_a_product_sold_in_shops_only_has_no_eshop_links(client, world, listings):
    body = page(client, world)
    assert 'data-testid="eshops"' not in body
    assert client.get(f"/go/{listings['mart'].pk}/").status_code == 404
    assert not EShopClicks.objects.exists()


def test_the_brand_sees_the_clicks_and_cannot_list_on_another_brands_eshop(db):
    tenancy = build()
    product = tenancy.sides[0][3].product
    own_listing = product.listings.get()
    Product.objects.filter(pk=product.pk).update(channels="both")
    APIClient().get(f"/go/{own_listing.pk}/")
    staff = login(tenancy, "x_manager")
    dashboard = staff.get(f"/dashboard/{tenancy.sides[0][1].slug}/").content.decode()
    clicks = dashboard[dashboard.index('data-testid="eshop-clicks"') :].split("</table>")[0]
    assert "<td>X Mart</td><td>1</td>" in clicks
    url = f"/admin/catalogue/product/{product.pk}/change/"
    form = staff.get(url).content.decode()
    offered = form[form.index('name="listings-0-eshop"') :].split("</select>")[0]
    assert "X Mart" in offered
    assert "Y Mart" not in offered
    other_brands = EShop.objects.get(name="Y Mart")
    assert other_brands.brand_id != product.brand_id
    listing = EShopListing(product=product, eshop=other_brands, url="https://y.example/")
    with pytest.raises(Exception, match="another brand's partner"):
        listing.full_clean()
