"""Shoppers' availability answers are cached, and every write that changes them retires them."""

import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from o2o.core.generations import EVERYTHING
from o2o.inventory import services as inventory
from o2o.inventory.models import StockLevel
from o2o.outlets.models import Outlet
from o2o.outlets.services import set_authorizations_active
from o2o.reservations import services as reservations
from tests.factories import OutletFactory, authorise, minutes_ago, stock

PUNE = {"lat": 18.5196, "lng": 73.8553}

# every write commits before the next request, as in production: a write retires the
# answers it changes when its transaction commits
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.O2O_SHOPPER_CACHE_SECONDS = 60


def _available(world):
    response = APIClient().get(
        "/api/v1/availability/", {"sku": world.variant.sku, "brand": world.brand.slug, **PUNE}
    )
    assert response.status_code == 200, response.content
    return {row["outlet"]: row["available"] for row in response.json()}


def test_a_repeated_search_is_answered_from_the_cache(world, django_assert_num_queries):
    assert _available(world) == {"pune-1": 5}
    with django_assert_num_queries(0):  # the answer, and which variant it is about, are cached
        assert _available(world) == {"pune-1": 5}


def test_a_search_from_another_point_is_not_answered_with_this_one(world):
    _available(world)
    response = APIClient().get(
        "/api/v1/availability/",
        {"sku": world.variant.sku, "brand": world.brand.slug, "lat": 18.53, "lng": 73.86},
    )
    assert response.json()[0]["distance_km"] > 1


def test_a_reservation_and_its_cancellation_show_at_once(world):
    assert _available(world) == {"pune-1": 5}
    reservation = reservations.reserve(
        outlet=world.outlet,
        variant=world.variant,
        quantity=2,
        shopper_name="Asha",
        shopper_email="asha@example.com",
        shopper_phone="+919800000000",
    )
    assert _available(world) == {"pune-1": 3}
    reservations.transition(reservation_id=reservation.pk, to_status="cancelled")
    assert _available(world) == {"pune-1": 5}


def test_a_snapshot_and_a_delta_show_at_once(world):
    _available(world)
    items = [{"sku": world.variant.sku, "on_hand": 9}]
    run = inventory.queue_snapshot(outlet=world.outlet, as_of=minutes_ago(1), items=items)
    inventory.apply_sync_run(sync_run_id=run.pk)
    assert _available(world) == {"pune-1": 9}
    event = {"event_id": "sale-1", "sku": world.variant.sku, "delta": -4}
    run = inventory.queue_deltas(
        outlet=world.outlet, events=[{**event, "occurred_at": minutes_ago()}]
    )
    inventory.apply_sync_run(sync_run_id=run.pk)
    assert _available(world) == {"pune-1": 5}


def test_a_count_by_hand_shows_at_once(world):
    _available(world)
    inventory.set_on_hand(level_id=world.level.pk, on_hand=1)
    assert _available(world) == {"pune-1": 1}


def test_outlet_and_authorisation_changes_show_at_once(world):
    other = OutletFactory(code="pune-2", latitude=18.53, longitude=73.86)
    authorization = authorise(other, world.brand)
    stock(other, world.variant, 4)
    assert _available(world) == {"pune-1": 5, "pune-2": 4}
    set_authorizations_active(authorizations=other.authorizations.all(), active=False)
    assert _available(world) == {"pune-1": 5}
    set_authorizations_active(authorizations=other.authorizations.all(), active=True)
    assert _available(world) == {"pune-1": 5, "pune-2": 4}
    world.outlet.status = Outlet.Status.PAUSED
    world.outlet.save()
    assert _available(world) == {"pune-2": 4}
    authorization.delete()
    assert _available(world) == {}


def test_an_evicted_generation_never_brings_back_an_older_answer(world):
    assert _available(world) == {"pune-1": 5}
    StockLevel.objects.filter(pk=world.level.pk).update(on_hand=7)  # no service: no bump
    assert _available(world) == {"pune-1": 5}  # the cache answers until a generation moves
    cache.delete(EVERYTHING)
    assert _available(world) == {"pune-1": 7}


def test_without_a_cache_setting_every_search_reads_the_database(
    world, settings, django_assert_num_queries
):
    settings.O2O_SHOPPER_CACHE_SECONDS = 0
    _available(world)
    StockLevel.objects.filter(pk=world.level.pk).update(on_hand=8)
    assert _available(world) == {"pune-1": 8}


def test_a_variant_taken_off_sale_is_not_found_from_the_cache(world):
    assert _available(world) == {"pune-1": 5}
    world.variant.is_active = False
    world.variant.save()
    response = APIClient().get(
        "/api/v1/availability/", {"sku": world.variant.sku, "brand": world.brand.slug, **PUNE}
    )
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_a_new_point_on_a_known_sku_reads_only_stock(world):
    assert _available(world) == {"pune-1": 5}
    with CaptureQueriesContext(connection) as queries:  # which variant: remembered
        response = APIClient().get(
            "/api/v1/availability/",
            {"sku": world.variant.sku, "brand": world.brand.slug, "lat": 18.6, "lng": 73.9},
        )
    assert [row["outlet"] for row in response.json()] == ["pune-1"]
    assert queries.captured_queries  # a new point: the stock is read
    assert not [query for query in queries if "catalogue_variant" in query["sql"]]


def test_an_unknown_sku_is_not_found_and_then_not_looked_up_again(world, django_assert_num_queries):
    query = {"sku": "NO-SUCH-SKU", "brand": world.brand.slug, **PUNE}
    first = APIClient().get("/api/v1/availability/", query)
    assert (first.status_code, first.json()["code"]) == (404, "not_found")
    with django_assert_num_queries(0):
        again = APIClient().get("/api/v1/availability/", {**query, "lat": 18.6})
    assert (again.status_code, again.json()["code"]) == (404, "not_found")


def test_which_variant_a_sku_names_outlives_the_answers(world, settings):
    settings.O2O_SHOPPER_CACHE_SECONDS = 1  # answers go after a second; the fact stays
    assert _available(world) == {"pune-1": 5}
    time.sleep(1.2)
    with CaptureQueriesContext(connection) as queries:
        assert _available(world) == {"pune-1": 5}  # the answer was dropped: stock is read
    assert queries.captured_queries
    assert not [query for query in queries if "catalogue_variant" in query["sql"]]


@pytest.fixture
def redis_commands(monkeypatch):
    """The commands the cache sends to Redis, in order: one round trip each."""
    sent = []
    client = cache._cache.get_client(write=True)
    send = client.execute_command

    def counted(*args, **kwargs):
        sent.append(args[0])
        return send(*args, **kwargs)

    monkeypatch.setattr(client, "execute_command", counted)
    return sent


@pytest.mark.redis
def test_a_search_about_a_known_variant_costs_one_round_trip_and_one_to_keep_it(
    world, redis_commands
):
    _available(world)  # this process now knows which variant the SKU names
    redis_commands.clear()
    assert _available(world) == {"pune-1": 5}  # the throttle's count goes with the read
    assert redis_commands == ["EVALSHA"]
    redis_commands.clear()
    response = APIClient().get(
        "/api/v1/availability/",
        {"sku": world.variant.sku, "brand": world.brand.slug, "lat": 18.6, "lng": 73.9},
    )
    assert [row["outlet"] for row in response.json()] == ["pune-1"]
    assert redis_commands == ["EVALSHA", "SET"]


def test_what_this_process_knows_of_a_variant_goes_with_the_catalogue_change(world):
    assert _available(world) == {"pune-1": 5}
    world.variant.is_active = False
    world.variant.save()
    other = APIClient().get(
        "/api/v1/availability/",
        {"sku": world.variant.sku, "brand": world.brand.slug, "lat": 18.6, "lng": 73.9},
    )
    assert other.status_code == 404  # a new point: not served from what the process knew
    world.variant.is_active = True
    world.variant.save()
    assert _available(world) == {"pune-1": 5}


def test_what_this_process_knows_of_variants_is_bounded(world, monkeypatch):
    from o2o.core import generations

    monkeypatch.setattr(generations, "KNOWN_FACTS_MAX", 2)
    for sku in ("NO-SUCH-1", "NO-SUCH-2", "NO-SUCH-3", world.variant.sku):
        APIClient().get("/api/v1/availability/", {"sku": sku, "brand": world.brand.slug, **PUNE})
    assert len(generations._known_facts) <= 2
    assert _available(world) == {"pune-1": 5}
