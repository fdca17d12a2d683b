"""Launch day, first part (issue 17, part 5): a brand schedules a launch of a product not yet
on sale; shoppers register interest before it, in their language; at the start beat puts
the product on sale and tells each of them once, in their language."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from o2o.catalogue.models import Product
from o2o.launches.models import Launch, LaunchInterest
from o2o.launches.tasks import open_due_launches_task
from tests.admin.tenancy_world import build, login
from tests.factories import api_reservation

NOW = datetime.datetime(2026, 12, 10, 4, 30, tzinfo=datetime.UTC)  # 10:00 in India


def devanagari(text):
    return any("\u0900" <= character <= "\u097f" for character in text)


@pytest.fixture
def tenancy(db):
    return build()


def test_a_launch_from_the_admin_to_the_shoppers_it_tells(
    world, tenancy, django_capture_on_commit_callbacks
):
    Product.objects.filter(pk=world.product.pk).update(status="draft", brand=world.brand)
    with time_machine.travel(NOW - datetime.timedelta(days=1), tick=False):
        from o2o.brands.models import BrandMembership

        manager = tenancy.users["x_manager"]
        BrandMembership.objects.create(user=manager, brand=world.brand, role="owner")
        staff = login(tenancy, "x_manager")
        form = staff.get("/admin/launches/launch/add/").content.decode()
        assert world.product.name in form
        created = staff.post(
            "/admin/launches/launch/add/",
            {
                "product": world.product.pk,
                "starts_at_0": "2026-12-10",
                "starts_at_1": "04:30:00",
                "timezone": "Asia/Kolkata",
                "per_shopper_limit": 2,
                "admission_minutes": 10,
                "admit_per_second": 50,
                **allocations((world.outlet.pk, 3)),
            },
        )
        assert created.status_code == 302, created.content.decode()[:3000]
        launch = Launch.objects.get(product=world.product)
        product = Product.objects.get(pk=world.product.pk)
        assert (product.status, product.publish_at) == ("scheduled", launch.starts_at)
        url = f"/launch/{world.brand.slug}/{world.product.slug}/"
        page = Client().get(url).content.decode()
        assert "On sale from 10 Dec, 10:00 IST." in page
        assert Client().get(f"/{world.brand.slug}/{world.product.slug}/").status_code == 404
        hindi = Client(HTTP_ACCEPT_LANGUAGE="hi")
        assert hindi.post(url, {"email": "Asha@Example.com"}).status_code == 302
        assert hindi.post(url, {"email": "asha@example.com"}).status_code == 302  # once
        assert Client().post(url, {"email": "ravi@example.com"}).status_code == 302
        assert Client().post(url, {"email": "not an address"}).status_code == 400
        assert sorted(LaunchInterest.objects.values_list("email", "language")) == [
            ("asha@example.com", "hi"),
            ("ravi@example.com", "en"),
        ]
        early = APIClient().post("/api/v1/reservations/", api_reservation(world), format="json")
        assert early.status_code == 400  # not on sale before the start
        with django_capture_on_commit_callbacks(execute=True):
            open_due_launches_task.delay()
        assert mail.outbox == []
    with time_machine.travel(NOW + datetime.timedelta(seconds=30), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            open_due_launches_task.delay()
            open_due_launches_task.delay()  # a second tick tells nobody twice
        told = {message.to[0]: message for message in mail.outbox}
        assert sorted(told) == ["asha@example.com", "ravi@example.com"]
        assert devanagari(told["asha@example.com"].subject)
        assert told["ravi@example.com"].subject == f"{world.product.name} is on sale now"
        assert f"/{world.brand.slug}/{world.product.slug}/" in told["ravi@example.com"].body
        launch = Launch.objects.get(product=world.product)
        assert (launch.status, launch.units_total, launch.per_shopper_limit) == ("open", 3, 2)
        assert 'data-testid="launch-queueing"' in Client().get(url).content.decode()
        direct = APIClient().post("/api/v1/reservations/", api_reservation(world), format="json")
        assert direct.status_code == 400  # only through the queue until it closes
        api = f"/api/v1/launches/{world.brand.slug}/{world.product.slug}/"
        ticket = APIClient().post(f"{api}queue/", {"email": "asha@example.com"}).json()["ticket"]
        body = {**api_reservation(world), "quantity": 1}
        made = APIClient().post(f"{api}reserve/", body, format="json", HTTP_X_QUEUE_TICKET=ticket)
        assert made.status_code == 201, made.json()
        dashboard = staff.get(f"/dashboard/{world.brand.slug}/").content.decode()
        section = dashboard[dashboard.index('data-testid="launches"') :].split("</section>")[0]
        assert "Registered interest: 2 (2 told) · units reserved: 1 · collected: 0" in section
        assert "<td>Pune Mobiles</td><td>1</td><td>0</td>" in section
        late = Client().post(url, {"email": "late@example.com"})  # joins the queue instead
        assert late.status_code == 302
        assert late["Location"].endswith("/queue/")
        assert not LaunchInterest.objects.filter(email="late@example.com").exists()
    with time_machine.travel(NOW + datetime.timedelta(days=1, seconds=1), tick=False):
        assert 'data-testid="launch-open"' in Client().get(url).content.decode()
        made = APIClient().post("/api/v1/reservations/", api_reservation(world), format="json")
        assert made.status_code == 201  # the queue has closed: reserved as any product


def allocations(*rows):
    """The admin's inline of units put aside: (outlet id, units) rows."""
    data = {
        "allocations-TOTAL_FORMS": str(len(rows)),
        "allocations-INITIAL_FORMS": "0",
        "allocations-MIN_NUM_FORMS": "0",
        "allocations-MAX_NUM_FORMS": "1000",
    }
    for index, (outlet, units) in enumerate(rows):
        data[f"allocations-{index}-outlet"] = str(outlet)
        data[f"allocations-{index}-units"] = str(units)
    return data


def test_only_a_brands_owners_launch_its_products_not_yet_on_sale(tenancy):
    product = tenancy.sides[0][3].product  # published
    staff = login(tenancy, "x_manager")
    form = staff.get("/admin/launches/launch/add/").content.decode()
    assert product.name not in form  # on sale already: nothing to launch
    Product.objects.filter(pk=product.pk).update(status="draft")
    theirs = tenancy.sides[1][3].product
    Product.objects.filter(pk=theirs.pk).update(status="draft")
    form = staff.get("/admin/launches/launch/add/").content.decode()
    assert product.name in form
    assert theirs.name not in form
    refused = staff.post(
        "/admin/launches/launch/add/",
        {
            "product": theirs.pk,
            "starts_at_0": "2030-01-01",
            "starts_at_1": "10:00:00",
            "timezone": "Asia/Kolkata",
        },
    )
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    assert not Launch.objects.filter(product=theirs).exists()
    past = staff.post(
        "/admin/launches/launch/add/",
        {
            "product": product.pk,
            "starts_at_0": "2020-01-01",
            "starts_at_1": "10:00:00",
            "timezone": "Asia/Kolkata",
        },
    )
    assert past.status_code == 200  # a form error, not a 500
    assert "Give a publication time in the future." in past.content.decode()
    assert not Launch.objects.filter(product=product).exists()
    analyst = login(tenancy, "y_analyst")
    assert analyst.get("/admin/launches/launch/add/").status_code == 403


def test_the_launches_on_the_dashboard_cost_the_same_queries_for_any_number(
    tenancy, django_assert_max_num_queries
):
    from o2o.launches.models import LaunchInterest
    from tests.factories import OutletFactory, ProductFactory, VariantFactory, authorise, stock

    brand = tenancy.sides[0][1]
    staff = login(tenancy, "x_manager")
    staff.get(f"/dashboard/{brand.slug}/")  # warm: sessions, caches
    with django_assert_max_num_queries(30) as few:
        staff.get(f"/dashboard/{brand.slug}/")
    category = tenancy.sides[0][3].product.category
    for index in range(4):
        product = ProductFactory(brand=brand, category=category, status="draft")
        launch = Launch.objects.create(brand=brand, product=product, starts_at=NOW)
        LaunchInterest.objects.create(launch=launch, email=f"s{index}@example.com")
        variant = VariantFactory(product=product)
        for _shop in range(3):
            outlet = OutletFactory()
            authorise(outlet, brand)
            stock(outlet, variant, 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = staff.get(f"/dashboard/{brand.slug}/").content.decode()
    assert page.count("Registered interest: 1 (0 told)") == 4
