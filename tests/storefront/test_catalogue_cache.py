"""The catalogue's filters and results are cached per search, and every catalogue change
shows at once."""

import re
from decimal import Decimal

import pytest
from django.test import Client

from tests.factories import ProductFactory, VariantFactory

# every write commits before the next request, as in production: a write retires the
# answers it changes when its transaction commits
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.O2O_SHOPPER_CACHE_SECONDS = 60


def _names(response):
    assert response.status_code == 200
    return re.findall(r"<h2>([^<]+)</h2>", response.content.decode())


def test_a_repeated_search_renders_from_the_cache(client, world, django_assert_max_num_queries):
    assert _names(client.get("/aurora/?q=12")) == ["Aurora 12"]
    with django_assert_max_num_queries(1):  # the brand; filters and results are cached
        assert _names(client.get("/aurora/?q=12")) == ["Aurora 12"]


def test_each_search_and_fragment_has_its_own_answer(client, world):
    ProductFactory(brand=world.brand, name="Nimbus 5", slug="nimbus-5")
    VariantFactory(product=world.product.__class__.objects.get(slug="nimbus-5"))
    assert _names(client.get("/aurora/")) == ["Aurora 12", "Nimbus 5"]
    assert _names(client.get("/aurora/?q=nimbus")) == ["Nimbus 5"]
    fragment = client.get(
        "/aurora/?q=nimbus", headers={"HX-Request": "true", "HX-Target": "product-list"}
    )
    assert "<html" not in fragment.content.decode()
    assert _names(fragment) == ["Nimbus 5"]
    page = client.get("/aurora/?q=nimbus").content.decode()
    assert "<html" in page
    assert 'name="q"' in page


def test_catalogue_changes_show_at_once(client, world):
    assert "19,999" in client.get("/aurora/").content.decode()
    world.variant.price = Decimal("17999.00")
    world.variant.save()
    world.other_variant.price = Decimal("18999.00")
    world.other_variant.save()
    assert "17,999" in client.get("/aurora/").content.decode()
    world.product.status = "draft"
    world.product.save()
    assert _names(client.get("/aurora/")) == []


def test_languages_are_not_mixed(client, world):
    assert "Search this catalogue" in client.get("/aurora/").content.decode()
    page = client.get("/aurora/", headers={"Accept-Language": "hi"}).content.decode()
    assert "इस कैटलॉग में खोजें" in page
    assert "Search this catalogue" not in page


def test_the_product_is_cached_and_its_changes_show_at_once(
    client, world, django_assert_max_num_queries
):
    assert client.get("/aurora/aurora-12/").status_code == 200
    with django_assert_max_num_queries(2):  # the brand and the session; the product is cached
        assert client.get("/aurora/aurora-12/").status_code == 200
    world.product.description = "Now with a bigger battery."
    world.product.save()
    assert "bigger battery" in client.get("/aurora/aurora-12/").content.decode()
    world.product.status = "draft"
    world.product.save()
    assert client.get("/aurora/aurora-12/").status_code == 404


def test_the_product_page_body_is_shared_only_when_nothing_on_it_is_personal(client, world):
    first = client.get("/aurora/aurora-12/").content.decode()
    assert world.variant.sku in first
    assert "Pune Mobiles" not in first
    other = client.get(f"/aurora/aurora-12/?variant={world.other_variant.pk}").content.decode()
    assert world.other_variant.sku in other
    searched = client.get("/aurora/aurora-12/?city=Pune").content.decode()
    assert "Pune Mobiles" in searched  # the shopper's own search, never a cached body
    assert "Pune Mobiles" in client.get("/aurora/aurora-12/").content.decode()  # saved place
    world.variant.price = Decimal("15999.00")
    world.variant.save()
    fresh = Client().get("/aurora/aurora-12/").content.decode()
    assert "15,999" in fresh
