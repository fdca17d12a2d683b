"""A shopper in a real browser meets today's catalogue states: a phone on sale (the old price
struck through), "also on" links that lead to the partner e-shop with the brand's tracking,
an online-only phone with no shop search, a discontinued one that cannot be reserved; every
such page without a serious accessibility violation (axe-core)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from o2o.catalogue.models import EShop, EShopClicks, EShopListing, Product
from o2o.catalogue.services import change_status, set_sale
from tests.e2e.conftest import screenshot
from tests.e2e.test_shopper_flows import serious_violations
from tests.factories import ProductFactory, VariantFactory, make_world, stock

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalogue():
    world = make_world(on_hand=5)
    now = timezone.now()
    set_sale(
        variant_id=world.variant.pk,
        sale_price=world.variant.price - Decimal(1000),
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(days=3),
    )
    Product.objects.filter(pk=world.product.pk).update(channels="both")
    mart = EShop.objects.create(brand=world.brand, name="Mart", tracking="utm_source=o2o")
    EShopListing.objects.create(product=world.product, eshop=mart, url="https://mart.example/a12")
    online = ProductFactory(
        brand=world.brand, category=world.product.category, name="Web 1", slug="web-1"
    )
    Product.objects.filter(pk=online.pk).update(channels="online")
    VariantFactory(product=online, sku="WEB-1")
    EShopListing.objects.create(product=online, eshop=mart, url="https://mart.example/web-1")
    gone = ProductFactory(
        brand=world.brand, category=world.product.category, name="Old 9", slug="old-9"
    )
    old = VariantFactory(product=gone, sku="OLD-9")
    stock(world.outlet, old, 3)
    change_status(product_id=gone.pk, status="discontinued")
    return world


def test_a_sale_an_eshop_link_an_online_only_and_a_discontinued_phone(page, catalogue):
    world = catalogue
    page.goto(f"{page.base}/aurora/aurora-12/?variant={world.variant.pk}&city=Pune")
    price = page.get_by_test_id("price")
    expect(price.locator("del")).to_contain_text(re.compile(r"[\d,]+"))
    expect(page.get_by_test_id("sale-price")).to_be_visible()
    expect(page.locator("ol.outlets > li")).to_have_count(1)  # the shop is still there
    assert serious_violations(page) == [], "product on sale"
    screenshot(page, "sale-and-eshops-360")
    # the browser follows o2o's redirect to the e-shop (offline here: the request is enough)
    with page.expect_request(re.compile(r"^https://mart\.example/a12\?utm_source=o2o$")):
        page.get_by_test_id("eshops").get_by_role("link", name="Mart").click()
    assert EShopClicks.objects.get().clicks == 1

    page.goto(f"{page.base}/aurora/web-1/?city=Pune")
    expect(page.get_by_test_id("online-only")).to_be_visible()
    expect(page.get_by_role("heading", name="Buy it from our partner e-shops")).to_be_visible()
    expect(page.locator("form.locate")).to_have_count(0)
    assert serious_violations(page) == [], "online only"

    page.goto(f"{page.base}/aurora/old-9/?city=Pune")
    expect(page.get_by_test_id("discontinued")).to_be_visible()
    expect(page.get_by_role("link", name="Reserve here")).to_have_count(0)
    assert serious_violations(page) == [], "discontinued"
