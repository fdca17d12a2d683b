"""A join to a launch the process has joined shoppers to before is one statement on
PostgreSQL (queue.join_by_slugs): it still refuses whatever the whole path refuses, the
moment it changes, and numbers stay exact."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from o2o.brands.models import Brand
from o2o.catalogue.models import Product
from o2o.launches import queue
from o2o.launches.models import Launch, QueueTicket
from tests.factories import launch_on_sale

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]  # autocommit


@pytest.fixture
def launch(world):
    queue._launch_ids.clear()  # this process has joined nobody to it yet
    return launch_on_sale(world, {world.outlet: 0})  # no units: no turn starts on a join


def join(brand, product, email):
    return APIClient().post(
        f"/api/v1/launches/{brand}/{product}/queue/", {"email": email}, format="json"
    )


def test_later_joins_take_their_number_in_one_statement(
    world, launch, django_assert_max_num_queries
):
    first = join(world.brand.slug, world.product.slug, "a@example.com")
    assert (first.status_code, first.json()["number"]) == (201, 1)
    with django_assert_max_num_queries(1):
        second = join(world.brand.slug, world.product.slug, "b@example.com")
    assert second.status_code == 201, second.content
    assert second.json()["number"] == 2
    assert second.json()["state"] == "sold_out"  # as the whole path tells it (no units)
    again = join(world.brand.slug, world.product.slug, "B@example.com ")
    assert (again.status_code, again.json()["number"]) == (200, 2)  # the same place
    assert Launch.objects.get(pk=launch.pk).tickets_issued == 2
    assert QueueTicket.objects.filter(launch=launch).count() == 2


def test_a_queue_closed_since_is_refused_at_once(world, launch):
    assert join(world.brand.slug, world.product.slug, "a@example.com").status_code == 201
    Launch.objects.filter(pk=launch.pk).update(
        queue_closes_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    closed = join(world.brand.slug, world.product.slug, "b@example.com")
    assert (closed.status_code, closed.json()["fields"]) == (409, {"queue": ["closed"]})
    assert Launch.objects.get(pk=launch.pk).tickets_issued == 1


def test_a_brand_switched_off_or_a_product_renamed_since_is_not_found(world, launch):
    assert join(world.brand.slug, world.product.slug, "a@example.com").status_code == 201
    Product.objects.filter(pk=world.product.pk).update(slug="aurora-12-pro")
    assert join(world.brand.slug, world.product.slug, "b@example.com").status_code == 404
    renamed = join(world.brand.slug, "aurora-12-pro", "b@example.com")
    assert (renamed.status_code, renamed.json()["number"]) == (201, 2)
    Brand.objects.filter(pk=world.brand.pk).update(is_active=False)
    assert join(world.brand.slug, "aurora-12-pro", "c@example.com").status_code == 404
    assert Launch.objects.get(pk=launch.pk).tickets_issued == 2


def test_a_launch_replaced_since_gets_its_own_numbers(world, launch):
    assert join(world.brand.slug, world.product.slug, "a@example.com").status_code == 201
    Launch.objects.filter(pk=launch.pk).delete()
    assert join(world.brand.slug, world.product.slug, "b@example.com").status_code == 404
    replaced = launch_on_sale(world, {world.outlet: 0})
    fresh = join(world.brand.slug, world.product.slug, "c@example.com")
    assert (fresh.status_code, fresh.json()["number"]) == (201, 1)
    assert QueueTicket.objects.get(email="c@example.com").launch_id == replaced.pk
