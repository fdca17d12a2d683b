"""API v1: shopper flows, stable error codes, and the tenancy of retailer / brand endpoints."""

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from o2o.inventory.integrations import create_integration
from o2o.outlets.models import Outlet
from o2o.reservations.models import Reservation
from tests.admin.tenancy_world import PASSWORD, build
from tests.factories import OutletFactory, authorise, stock

BODY = {
    "brand": "aurora",
    "sku": "AUR-12-128-BLK",
    "outlet": "pune-1",
    "quantity": 1,
    "shopper_name": "Priya",
    "shopper_email": "priya@example.com",
    "shopper_phone": "+91 98123 45678",
}


def test_catalogue_and_availability(world):
    api = APIClient()
    assert [b["slug"] for b in api.get("/api/v1/brands/").json()] == ["aurora"]
    products = api.get("/api/v1/brands/aurora/products/?q=12").json()["results"]
    assert [p["slug"] for p in products] == ["aurora-12"]
    detail = api.get("/api/v1/brands/aurora/products/aurora-12/").json()
    assert {v["sku"] for v in detail["variants"]} == {"AUR-12-128-BLK", "AUR-12-256-BLU"}
    far = OutletFactory(code="far", latitude=18.60, longitude=73.85)
    authorise(far, world.brand)
    stock(far, world.variant, 2)
    hits = api.get(
        "/api/v1/availability/",
        {"sku": "AUR-12-128-BLK", "brand": "aurora", "lat": 18.52, "lng": 73.855},
    ).json()
    assert [h["outlet"] for h in hits] == ["pune-1", "far"]
    assert hits[0]["available"] == 5
    assert hits[0]["distance_km"] < hits[1]["distance_km"]
    bad = api.get("/api/v1/availability/", {"sku": "x", "brand": "aurora", "lat": 99})
    assert bad.status_code == 400
    assert {"lat", "lng"} <= set(bad.json()["fields"])
    missing = api.get(
        "/api/v1/availability/", {"sku": "NOPE", "brand": "aurora", "lat": 1, "lng": 1}
    )
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


def test_shopper_reserves_reads_and_cancels(world):
    api = APIClient()
    created = api.post("/api/v1/reservations/", BODY, format="json")
    assert created.status_code == 201, created.json()
    code = created.json()["code"]
    assert api.get(f"/api/v1/reservations/{code}/").status_code == 404
    assert api.get(f"/api/v1/reservations/{code}/?email=other@example.com").status_code == 404
    read = api.get(f"/api/v1/reservations/{code}/?email=PRIYA@example.com")
    assert read.json()["status"] == "pending"
    cancelled = api.post(
        f"/api/v1/reservations/{code}/cancel/", {"email": "priya@example.com"}, format="json"
    )
    assert cancelled.json()["status"] == "cancelled"
    again = api.post(
        f"/api/v1/reservations/{code}/cancel/", {"email": "priya@example.com"}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["code"] == "illegal_transition"


def test_errors_have_stable_codes(world, settings):
    api = APIClient()
    short = api.post("/api/v1/reservations/", {**BODY, "quantity": 5}, format="json")
    assert short.status_code == 201
    none_left = api.post(
        "/api/v1/reservations/", {**BODY, "shopper_email": "b@example.com"}, format="json"
    )
    assert (none_left.status_code, none_left.json()["code"]) == (409, "insufficient_stock")
    Outlet.objects.filter(code="pune-1").update(delivery_radius_km=3)
    far = api.post(
        "/api/v1/reservations/",
        {
            **BODY,
            "shopper_email": "c@example.com",
            "fulfilment": "delivery",
            "delivery_address": "x",
            "lat": 19.0,
            "lng": 72.8,
        },
        format="json",
    )
    assert far.json()["code"] == "outside_delivery_radius"
    invalid = api.post("/api/v1/reservations/", {**BODY, "shopper_phone": "call me"}, format="json")
    assert invalid.status_code == 400
    assert "shopper_phone" in invalid.json()["fields"]
    settings.O2O_RESERVATIONS_PER_EMAIL = 1
    api.post("/api/v1/reservations/", {**BODY, "shopper_email": "d@example.com"}, format="json")
    throttled = api.post(
        "/api/v1/reservations/", {**BODY, "shopper_email": "d@example.com"}, format="json"
    )
    assert (throttled.status_code, throttled.json()["code"]) == (429, "throttled")


@pytest.fixture
def tenants(db):
    return build()


def session(world, persona):
    client = Client()
    if world.users[persona]:
        client.login(username=world.users[persona].username, password=PASSWORD)
    return client


def codes(response):
    return sorted(row.get("code") or row.get("outlet") for row in response.json()["results"])


@pytest.mark.parametrize(
    "persona", ["a_owner", "a_staff", "b_owner", "x_manager", "y_analyst", "shopper", "anonymous"]
)
def test_retailer_and_brand_endpoints_never_leak(tenants, persona):
    client = session(tenants, persona)
    a_outlet, b_outlet = tenants.sides[0][2], tenants.sides[1][2]
    a_code, b_code = tenants.sides[0][4].code, tenants.sides[1][4].code
    retailer = {"a_owner": "A", "a_staff": "A", "b_owner": "B"}.get(persona)
    brand = {"x_manager": "X", "y_analyst": "Y"}.get(persona)
    for path in (
        "/api/v1/retailer/outlets/",
        "/api/v1/retailer/reservations/",
        "/api/v1/retailer/stock/",
    ):
        response = client.get(path)
        if retailer is None:
            assert response.status_code in (401, 403)
            continue
        mine = a_outlet.code if retailer == "A" else b_outlet.code
        rows = response.json()["results"]
        assert rows
        assert all(row.get("outlet", mine) == mine for row in rows)
    theirs = b_code if retailer == "A" else a_code
    moved = client.post(f"/api/v1/retailer/reservations/{theirs}/confirm/")
    assert moved.status_code in (401, 403, 404)
    assert Reservation.objects.get(code=theirs).status == "pending"
    for path in ("/api/v1/brand/outlets/", "/api/v1/brand/applications/"):
        response = client.get(path)
        if brand is None:
            assert response.status_code in (401, 403)
            continue
        rows = response.json()["results"]
        expected = a_outlet.code if brand == "X" else b_outlet.code
        if "outlets" in path:
            assert [r["code"] for r in rows] == [expected]
        else:
            assert all(r["outlet_name"] == f"New {brand}" for r in rows)
    other_brand = tenants.sides[1][1] if brand == "X" else tenants.sides[0][1]
    assert client.get(f"/api/v1/brand/{other_brand.slug}/figures/").status_code in (401, 403, 404)


def test_tokens_act_for_their_retailer_and_revoked_ones_fail(tenants):
    from o2o.inventory.integrations import revoke_token

    integration, token = create_integration(retailer=tenants.sides[0][0], name="Till")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    rows = api.get("/api/v1/retailer/outlets/").json()["results"]
    assert [r["code"] for r in rows] == [tenants.sides[0][2].code]
    confirmed = api.post(f"/api/v1/retailer/reservations/{tenants.sides[0][4].code}/confirm/")
    assert confirmed.json()["status"] == "confirmed"
    revoke_token(integration_id=integration.pk)
    assert api.get("/api/v1/retailer/outlets/").status_code == 401


def test_schema_validates_without_warnings(db, tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )
    assert "/api/v1/availability/" in (tmp_path / "schema.yml").read_text()


def test_categories_nearby_outlets_and_filters(world):
    api = APIClient()
    categories = api.get("/api/v1/brands/aurora/categories/").json()
    assert [c["slug"] for c in categories] == [world.product.category.slug]
    far = OutletFactory(code="far", latitude=18.60, longitude=73.85)
    authorise(far, world.brand)
    nearby = api.get(
        "/api/v1/outlets/nearby/", {"brand": "aurora", "lat": 18.52, "lng": 73.855}
    ).json()
    assert [n["outlet"] for n in nearby] == ["pune-1", "far"]
    _integration, token = create_integration(retailer=world.outlet.retailer, name="POS")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    api.post("/api/v1/reservations/", BODY, format="json")
    pending = api.get("/api/v1/retailer/reservations/?status=pending").json()["results"]
    assert len(pending) == 1
    assert api.get("/api/v1/retailer/reservations/?status=collected").json()["results"] == []
    bad = api.get("/api/v1/retailer/reservations/?status=lost")
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid"
    empty = api.get("/api/v1/retailer/stock/?out_of_stock=true").json()["results"]
    assert empty == []
    assert len(api.get("/api/v1/retailer/stock/?sku=AUR-12-128-BLK").json()["results"]) == 1


def test_every_operation_documents_the_error_shape(db, tmp_path):
    import yaml

    call_command("spectacular", "--file", str(tmp_path / "schema.yml"))
    schema = yaml.safe_load((tmp_path / "schema.yml").read_text())
    assert schema["components"]["schemas"]["Error"]["required"] == ["code", "detail"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert "404" in operation["responses"], (method, path)


def test_shoppers_reads_are_throttled_per_client_in_a_fixed_window(world, monkeypatch):
    from o2o.core.api_views import ShopperThrottle

    monkeypatch.setattr(ShopperThrottle, "rate", "3/min", raising=False)
    query = {"sku": world.variant.sku, "brand": "aurora", "lat": 18.52, "lng": 73.85}
    api = APIClient(REMOTE_ADDR="10.0.0.1")
    assert [api.get("/api/v1/availability/", query).status_code for _ in range(3)] == [200] * 3
    refused = api.get("/api/v1/availability/", query)
    assert (refused.status_code, refused.json()["code"]) == (429, "throttled")
    assert int(refused["Retry-After"]) <= 60
    other = APIClient(REMOTE_ADDR="10.0.0.2")
    assert other.get("/api/v1/availability/", query).status_code == 200


def test_bad_searches_count_against_the_shoppers_throttle(world, monkeypatch):
    from o2o.core.api_views import ShopperThrottle

    monkeypatch.setattr(ShopperThrottle, "rate", "3/min", raising=False)
    good = {"sku": world.variant.sku, "brand": "aurora", "lat": 18.52, "lng": 73.85}
    api = APIClient(REMOTE_ADDR="10.0.0.1")
    codes = [
        api.get("/api/v1/availability/", {**good, "lat": 91}).status_code,  # bad input
        api.get("/api/v1/availability/", {**good, "sku": "NO-SUCH"}).status_code,
        api.get("/api/v1/availability/", good).status_code,
        api.get("/api/v1/availability/", {**good, "lat": 91}).status_code,
        api.get("/api/v1/availability/", good).status_code,
    ]
    assert codes == [400, 404, 200, 429, 429]


def test_the_shoppers_throttle_counts_with_the_answer_cache_off(world, monkeypatch, settings):
    from o2o.core.api_views import ShopperThrottle

    settings.O2O_SHOPPER_CACHE_SECONDS = 0
    monkeypatch.setattr(ShopperThrottle, "rate", "2/min", raising=False)
    query = {"sku": world.variant.sku, "brand": "aurora", "lat": 18.52, "lng": 73.85}
    api = APIClient(REMOTE_ADDR="10.0.0.1")
    assert [api.get("/api/v1/availability/", query).status_code for _ in range(3)] == [
        200,
        200,
        429,
    ]


def test_reservation_attempts_count_per_ip_whatever_they_name(world, settings):
    """Every well-formed reservation attempt counts against its address, before anything is
    looked up: SKUs and shops that do not exist cannot be tried without end."""
    settings.O2O_RESERVATIONS_PER_IP = 3
    api = APIClient(REMOTE_ADDR="10.0.0.1")
    tries = [
        api.post("/api/v1/reservations/", {**BODY, "sku": f"NOPE-{n}"}, format="json")
        for n in range(2)
    ]
    tries.append(api.post("/api/v1/reservations/", {**BODY, "outlet": "nowhere"}, format="json"))
    assert [response.status_code for response in tries] == [404, 404, 404]
    refused = api.post("/api/v1/reservations/", BODY, format="json")
    assert (refused.status_code, refused.json()["code"]) == (429, "throttled")
    assert not Reservation.objects.exists()
    other = APIClient(REMOTE_ADDR="10.0.0.2")
    assert other.post("/api/v1/reservations/", BODY, format="json").status_code == 201
