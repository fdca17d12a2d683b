"""Publishing states and sale prices (issue 17, part 3): draft → scheduled (published by
beat at its time) → published → discontinued (shown as such, not reservable, still reachable
by its URL); sale prices that start and end on time on every page, cached or not; every
change through a service, with its audit entry."""

import datetime
import json
import re
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from o2o.catalogue import services
from o2o.catalogue.models import CatalogueChange, Product
from o2o.catalogue.tasks import publish_due_task
from o2o.reservations.models import ReservationLine
from tests.admin.tenancy_world import build, login
from tests.factories import api_reservation, page_reservation

NOW = datetime.datetime(2026, 12, 7, 9, 0, tzinfo=datetime.UTC)
# every change commits before the next request, as in production: its commit retires the
# cached pages and answers it changes
pytestmark = pytest.mark.django_db(transaction=True)


def listed(client, world):
    return world.product.name in client.get(f"/{world.brand.slug}/").content.decode()


def product_page(client, world, **params):
    return client.get(f"/{world.brand.slug}/{world.product.slug}/", params)


def json_ld(page):
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1]
    return json.loads(block)


@pytest.fixture
def tenancy(db):
    return build()


def test_a_draft_is_scheduled_published_by_beat_then_discontinued(client, world):
    Product.objects.filter(pk=world.product.pk).update(status="draft")
    with time_machine.travel(NOW, tick=False):
        assert not listed(client, world)
        assert product_page(client, world).status_code == 404
        with pytest.raises(services.CatalogueError):  # the past is no schedule
            services.change_status(
                product_id=world.product.pk,
                status="scheduled",
                publish_at=NOW - datetime.timedelta(minutes=1),
            )
        services.change_status(
            product_id=world.product.pk,
            status="scheduled",
            publish_at=NOW + datetime.timedelta(minutes=30),
        )
        publish_due_task.delay()
        assert product_page(client, world).status_code == 404  # not yet
    with time_machine.travel(NOW + datetime.timedelta(minutes=31), tick=False):
        publish_due_task.delay()
        assert listed(client, world)
        assert product_page(client, world).status_code == 200
        services.change_status(product_id=world.product.pk, status="discontinued")
        assert not listed(client, world)
        page = product_page(client, world, city="Pune")
        assert page.status_code == 200  # still reachable by its link
        body = page.content.decode()
        assert 'data-testid="discontinued"' in body
        assert "Reserve here" not in body
        assert json_ld(body)["offers"]["availability"] == "https://schema.org/Discontinued"
        refused = APIClient().post("/api/v1/reservations/", api_reservation(world), format="json")
        assert refused.status_code == 400
        reserve = client.post(f"/reserve/pune-1/{world.variant.pk}/", page_reservation())
        assert reserve.status_code in (400, 404)
    trail = list(
        CatalogueChange.objects.filter(product=world.product)
        .order_by("pk")
        .values_list("action", "user", "before", "after")
    )
    assert [action for action, *_rest in trail] == [
        "status:scheduled",
        "status:published",
        "status:discontinued",
    ]
    assert trail[1][1] is None  # published by beat, not by a person
    assert trail[1][2]["status"] == "scheduled"
    assert trail[2][3] == {"status": "discontinued", "publish_at": None}


@pytest.mark.parametrize(
    ("start", "move"),
    [("draft", "discontinued"), ("published", "scheduled"), ("discontinued", "scheduled")],
)
def test_a_move_the_states_do_not_allow_is_refused_and_changes_nothing(world, start, move):
    Product.objects.filter(pk=world.product.pk).update(status=start)
    with pytest.raises(services.CatalogueError):
        services.change_status(
            product_id=world.product.pk,
            status=move,
            publish_at=timezone.now() + datetime.timedelta(days=1),
        )
    assert Product.objects.get(pk=world.product.pk).status == start
    assert not CatalogueChange.objects.exists()


def test_a_sale_shows_and_stops_on_time_everywhere(client, world, settings):
    settings.O2O_SHOPPER_CACHE_SECONDS = 3600  # cached pages must still turn on time
    price = world.variant.price
    with time_machine.travel(NOW, tick=False):
        services.set_sale(
            variant_id=world.variant.pk,
            sale_price=price - 1000,
            starts_at=NOW + datetime.timedelta(hours=1),
            ends_at=NOW + datetime.timedelta(hours=3),
        )
        before = product_page(client, world, variant=world.variant.pk).content.decode()
        assert 'data-testid="sale-price"' not in before
    with time_machine.travel(NOW + datetime.timedelta(hours=1, minutes=1), tick=False):
        publish_due_task.delay()  # beat: the sale started, cached prices are retired
        during = product_page(client, world, variant=world.variant.pk).content.decode()
        assert 'data-testid="sale-price"' in during
        assert json_ld(during)["offers"]["price"] == str(price - 1000)
        detail = APIClient().get(f"/api/v1/brands/{world.brand.slug}/products/aurora-12/")
        sold = next(v for v in detail.json()["variants"] if v["sku"] == world.variant.sku)
        assert Decimal(sold["current_price"]) == price - 1000
        assert Decimal(sold["price"]) == price
        made = APIClient().post("/api/v1/reservations/", api_reservation(world), format="json")
        assert made.status_code == 201
        line = ReservationLine.objects.get(reservation__code=made.json()["code"])
        assert line.unit_price == price - 1000  # the shopper is held to the sale price
    with time_machine.travel(NOW + datetime.timedelta(hours=3, minutes=1), tick=False):
        publish_due_task.delay()
        after = product_page(client, world, variant=world.variant.pk).content.decode()
        assert 'data-testid="sale-price"' not in after
        assert json_ld(after)["offers"]["price"] == str(price)


def test_a_sale_that_cannot_be_is_refused(world):
    with pytest.raises(services.CatalogueError):
        services.set_sale(variant_id=world.variant.pk, sale_price=world.variant.price)
    with pytest.raises(services.CatalogueError):
        services.set_sale(
            variant_id=world.variant.pk,
            sale_price=Decimal(1),
            starts_at=NOW,
            ends_at=NOW,
        )
    assert not CatalogueChange.objects.exists()


def test_brand_staff_publish_by_admin_action_and_every_edit_is_audited(tenancy):
    product = tenancy.sides[0][3].product
    variant = product.variants.get()
    Product.objects.filter(pk=product.pk).update(status="draft")
    staff = login(tenancy, "x_manager")
    changelist = "/admin/catalogue/product/"
    form = staff.post(changelist, {"action": "schedule", "_selected_action": [product.pk]})
    assert 'name="publish_at"' in form.content.decode()
    staff.post(
        changelist,
        {
            "action": "schedule",
            "_selected_action": [product.pk],
            "publish_at": (timezone.now() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert Product.objects.get(pk=product.pk).status == "scheduled"
    wrong = staff.post(
        changelist, {"action": "discontinue", "_selected_action": [product.pk]}, follow=True
    )
    assert "cannot become Discontinued" in wrong.content.decode()
    staff.post(changelist, {"action": "publish_now", "_selected_action": [product.pk]})
    assert Product.objects.get(pk=product.pk).status == "published"
    # brand Y's analyst can neither move nor read brand X's catalogue history
    analyst = login(tenancy, "y_analyst")
    analyst.post(changelist, {"action": "discontinue", "_selected_action": [product.pk]})
    assert Product.objects.get(pk=product.pk).status == "published"
    assert analyst.get("/admin/catalogue/cataloguechange/").content.decode().count("status:") == 0
    url = f"/admin/catalogue/variant/{variant.pk}/change/"
    data = {
        "product": product.pk,
        "brand": product.brand_id,
        "sku": variant.sku,
        "gtin": variant.gtin or "",
        "attr_colour": variant.value("colour"),
        "attr_storage": variant.value("storage"),
        "price": "20000.00",
        "sale_price": "25000.00",  # above the price: a form error, not a 500
        "sale_starts_at_0": "",
        "sale_starts_at_1": "",
        "sale_ends_at_0": "",
        "sale_ends_at_1": "",
        "is_active": "on",
    }
    refused = staff.post(url, data)
    assert refused.status_code == 200
    assert "A sale price is below the price." in refused.content.decode()
    assert staff.post(url, {**data, "sale_price": "18000.00"}).status_code == 302
    edit = CatalogueChange.objects.filter(variant=variant, action="variant:edited").get()
    assert edit.action == "variant:edited"
    assert edit.user.username == "x-manager"
    assert edit.after == {"price": "20000.00", "sale_price": "18000.00"}
    history = staff.get("/admin/catalogue/cataloguechange/").content.decode()
    assert "variant:edited" in history
    assert "status:published" in history
