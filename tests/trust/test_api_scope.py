"""API reads and writes share one scope with the admin: lists and details agree, a
read-only identity never writes, and forged cursors or filters are 4xx, never 500."""

import base64

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from o2o.brands.models import BrandMembership
from o2o.core.models import User
from o2o.inventory.integrations import create_integration
from o2o.inventory.models import SyncRun
from o2o.reservations import services as reservations
from o2o.reservations.models import Reservation


def token_client(**owner):
    _integration, token = create_integration(name="POS", **owner)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def reservation(world):
    return reservations.reserve(
        outlet=world.outlet,
        variant=world.variant,
        quantity=1,
        shopper_name="Asha",
        shopper_email="asha@example.com",
        shopper_phone="+91 9000000000",
    )


def test_a_brand_token_lists_only_its_own_sync_runs_of_a_shared_outlet(world, pos):
    retailer_run = SyncRun.objects.create(
        retailer=world.outlet.retailer,
        outlet=world.outlet,
        source="push",
        as_of=timezone.now(),
        message="retailer's own",
    )
    brand = token_client(brand=world.brand)
    listed = brand.get("/api/v1/outlets/pune-1/sync-runs/")
    assert listed.status_code == 200
    assert [run["id"] for run in listed.json()["results"]] == []
    assert brand.get(f"/api/v1/sync-runs/{retailer_run.pk}/").status_code == 404
    own = pos.get("/api/v1/outlets/pune-1/sync-runs/").json()["results"]
    assert [run["id"] for run in own] == [retailer_run.pk]


def test_a_brand_token_cannot_cancel_a_retailers_reservation(world, reservation):
    brand = token_client(brand=world.brand)
    response = brand.post(f"/api/v1/reservations/{reservation.code}/cancel/", {}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert Reservation.objects.get(pk=reservation.pk).status == "pending"
    # the brand still reads it
    assert brand.get(f"/api/v1/reservations/{reservation.code}/").status_code == 200


def test_a_brand_analysts_session_cannot_cancel_either(world, reservation):
    analyst = User.objects.create_user("analyst", "an@example.com", "pw-12345678", is_staff=True)
    BrandMembership.objects.create(user=analyst, brand=world.brand, role="analyst")
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(analyst)
    client.get("/api/v1/brands/")  # picks up the CSRF cookie
    csrf = client.cookies.get("csrftoken")
    headers = {"HTTP_X_CSRFTOKEN": csrf.value} if csrf else {}
    response = client.post(
        f"/api/v1/reservations/{reservation.code}/cancel/", {}, format="json", **headers
    )
    assert response.status_code in (403, 404)
    assert Reservation.objects.get(pk=reservation.pk).status == "pending"


def test_the_shopper_and_the_shop_still_cancel(world, pos, reservation):
    anonymous = APIClient()
    response = anonymous.post(
        f"/api/v1/reservations/{reservation.code}/cancel/",
        {"email": "asha@example.com"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"


def test_the_shop_cancels_through_its_token(world, pos, reservation):
    response = pos.post(f"/api/v1/reservations/{reservation.code}/cancel/", {}, format="json")
    assert response.status_code == 200, response.json()


def _cursor(text):
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/retailer/stock/",
        "/api/v1/retailer/reservations/",
        "/api/v1/outlets/pune-1/sync-runs/",
        "/api/v1/retailer/outlets/",
    ],
)
@pytest.mark.parametrize(
    "query",
    [
        {"cursor": _cursor("p=abc")},
        {"cursor": _cursor("o=1&p=2026-02-30T00:00:00")},
        {"cursor": _cursor("p=" + "9" * 40)},
        {"cursor": "!!!not base64"},
        {"page_size": "null"},
        {"page_size": "0"},
        {"page_size": "-3"},
        {"page_size": "99999"},
    ],
)
def test_forged_cursors_and_page_sizes_are_never_a_server_error(
    world, pos, reservation, path, query
):
    response = pos.get(path, query)
    assert response.status_code < 500, response.content[:200]
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] if response.status_code >= 400 else True
    if "page_size" in query:
        assert response.status_code == 400
    if query.get("cursor") == "!!!not base64":
        assert response.status_code == 404


@pytest.mark.parametrize(
    "value", ["2026-02-30T00:00:00Z", "0001-01-01T00:00:00+14:00", "", "yesterday"]
)
def test_impossible_created_after_is_a_400(world, pos, value):
    response = pos.get("/api/v1/retailer/reservations/", {"created_after": value})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_an_odd_offset_in_a_filter_is_a_real_instant_not_a_500(world, pos, reservation):
    response = pos.get(
        "/api/v1/retailer/reservations/", {"created_after": "2026-11-01T10:00:00+21:27"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("query", [{"out_of_stock": "-19514"}, {"out_of_stock": ""}])
def test_filters_refuse_values_of_the_wrong_type(world, pos, query):
    response = pos.get("/api/v1/retailer/stock/", query)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
