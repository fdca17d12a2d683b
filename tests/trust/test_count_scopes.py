"""One tenant's push never bends another's stock: ordering and "already counted" are per
outlet and per scope (the shop's whole count, a brand's count of its items), and a clock
ahead of ours is clamped or refused, never trusted."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from o2o.inventory.integrations import create_integration
from o2o.inventory.models import StockLevel, SyncRun
from tests.factories import BrandFactory, ProductFactory, VariantFactory, authorise, stock


def at(**delta):
    return (timezone.now() + timedelta(**delta)).isoformat()


def client_for(**owner):
    _integration, token = create_integration(name="POS", **owner)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def shared(world):
    """The world's outlet also sells a second brand, which runs its own POS programme."""
    other_brand = BrandFactory(name="Zenith", slug="zenith")
    product = ProductFactory(brand=other_brand, name="Zenith 5", slug="zenith-5")
    zen = VariantFactory(product=product, sku="ZEN-5-128-BLK")
    authorise(world.outlet, other_brand)
    stock(world.outlet, zen, 4)
    return zen, client_for(brand=other_brand)


def send(client, capture, path, body):
    with capture(execute=True):
        response = client.post(path, body, format="json")
    assert response.status_code == 202, response.json()
    return SyncRun.objects.get(pk=response.json()["sync_run"])


def count(client, capture, as_of, items):
    return send(client, capture, "/api/v1/outlets/pune-1/stock/", {"as_of": as_of, "items": items})


def units(outlet, variant):
    return StockLevel.objects.get(outlet=outlet, variant=variant).on_hand


def test_a_brands_count_does_not_make_the_retailers_own_count_look_old(
    world, pos, shared, django_capture_on_commit_callbacks
):
    zen, brand_pos = shared
    capture = django_capture_on_commit_callbacks
    count(pos, capture, at(minutes=-30), [{"sku": world.variant.sku, "on_hand": 5}])
    brand_run = count(brand_pos, capture, at(minutes=-1), [{"sku": zen.sku, "on_hand": 9}])
    assert brand_run.status == "applied"
    # the retailer's count was taken before the brand's, but after its own last one
    own = count(pos, capture, at(minutes=-10), [{"sku": world.variant.sku, "on_hand": 2}])
    assert own.status == "applied", own.message
    assert units(world.outlet, world.variant) == 2
    assert units(world.outlet, zen) == 0  # the shop's whole count does not list it
    # and the brand's own ordering is its own: an older brand count is still ignored
    older = count(brand_pos, capture, at(minutes=-5), [{"sku": zen.sku, "on_hand": 7}])
    assert older.status == "ignored"


def test_a_brands_count_never_touches_the_retailers_other_items(
    world, pos, shared, django_capture_on_commit_callbacks
):
    zen, brand_pos = shared
    count(brand_pos, django_capture_on_commit_callbacks, at(minutes=-1), [])
    assert units(world.outlet, world.variant) == 5
    assert units(world.outlet, zen) == 0


def test_a_count_dated_ahead_within_the_skew_is_clamped_and_the_next_sale_counts(
    world, pos, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    run = count(pos, capture, at(minutes=4), [{"sku": world.variant.sku, "on_hand": 6}])
    assert run.as_of <= timezone.now()
    events = {"events": [{"event_id": "sale-1", "sku": world.variant.sku, "delta": -1}]}
    sale = send(pos, capture, "/api/v1/outlets/pune-1/stock/deltas/", events)
    assert (sale.rows_applied, sale.rows_ignored) == (1, 0)
    assert units(world.outlet, world.variant) == 5


def test_a_brand_count_ahead_of_the_clock_cannot_swallow_the_retailers_sales(
    world, pos, shared, django_capture_on_commit_callbacks
):
    zen, brand_pos = shared
    capture = django_capture_on_commit_callbacks
    count(brand_pos, capture, at(minutes=4), [{"sku": zen.sku, "on_hand": 3}])
    events = {"events": [{"event_id": "s", "sku": world.variant.sku, "delta": -1}]}
    sale = send(pos, capture, "/api/v1/outlets/pune-1/stock/deltas/", events)
    assert sale.rows_applied == 1
    assert units(world.outlet, world.variant) == 4


def test_a_delta_from_the_future_is_refused_and_never_comes_back(
    world, pos, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    events = {
        "events": [
            {"event_id": "r", "sku": world.variant.sku, "delta": 50, "occurred_at": at(days=9000)},
            {"event_id": "ok", "sku": world.variant.sku, "delta": 1, "occurred_at": at(minutes=-1)},
        ]
    }
    run = send(pos, capture, "/api/v1/outlets/pune-1/stock/deltas/", events)
    assert (run.rows_applied, run.rows_rejected) == (1, 1)
    assert "future" in run.row_errors.get().message
    assert units(world.outlet, world.variant) == 6
    count(pos, capture, at(minutes=-2), [{"sku": world.variant.sku, "on_hand": 3}])
    assert units(world.outlet, world.variant) == 4  # 3 counted + the 1 received after, no +50


def test_a_count_beyond_the_skew_is_refused_at_the_door(world, pos):
    body = {"as_of": at(minutes=10), "items": [{"sku": world.variant.sku, "on_hand": 1}]}
    response = pos.post("/api/v1/outlets/pune-1/stock/", body, format="json")
    assert response.status_code == 400
    assert "future" in str(response.json())
    assert not SyncRun.objects.exists()
