"""The API's writes, tried by every identity on the other tenant's objects and its own:
the same rule as the admin (the shop acts on its reservations, a POS on its outlets, brand
staff and tokens only read)."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from o2o.inventory.integrations import create_integration
from o2o.inventory.models import StockLevel, SyncRun
from o2o.reservations.models import Reservation
from tests.admin.tenancy_world import build

ACTIONS = ["confirm", "ready", "collect", "decline", "cancel"]


def token(**owner):
    _integration, raw = create_integration(name="api", **owner)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def session(user):
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def world(db):
    return build()


def identities(world):
    (retailer_a, brand_x, *_), _side_b = world.sides
    users = world.users
    return {
        "anonymous": (APIClient(), set()),
        "shopper": (session(users["shopper"]), set()),
        "a_token": (token(retailer=retailer_a), {"A"}),
        "a_owner": (session(users["a_owner"]), {"A"}),
        "a_staff": (session(users["a_staff"]), {"A"}),
        "b_owner": (session(users["b_owner"]), {"B"}),
        "x_token": (token(brand=brand_x), set()),
        "x_manager": (session(users["x_manager"]), set()),
        "y_analyst": (session(users["y_analyst"]), set()),
    }


@pytest.mark.parametrize("action", ACTIONS)
def test_reservation_actions_only_by_the_shop(world, action):
    for name, (client, acts_for) in identities(world).items():
        for side, label in ((world.sides[0], "A"), (world.sides[1], "B")):
            reservation = side[4]
            before = Reservation.objects.get(pk=reservation.pk).status
            response = client.post(f"/api/v1/retailer/reservations/{reservation.code}/{action}/")
            after = Reservation.objects.get(pk=reservation.pk).status
            if label in acts_for:
                assert response.status_code in (200, 409), (name, label, response.content)
            else:
                assert response.status_code in (401, 403, 404), (name, label, response.status_code)
                assert after == before, (name, label)
            # back to the world's state for the next identity (one open hold of 10 units)
            Reservation.objects.filter(pk=reservation.pk).update(status=before)
            StockLevel.objects.filter(outlet=reservation.outlet).update(on_hand=10, reserved=1)


def test_shopper_cancel_by_staff_only_for_the_shop(world):
    for name, (client, acts_for) in identities(world).items():
        for side, label in ((world.sides[0], "A"), (world.sides[1], "B")):
            reservation = side[4]
            response = client.post(f"/api/v1/reservations/{reservation.code}/cancel/", {})
            status = Reservation.objects.get(pk=reservation.pk).status
            if label in acts_for:
                assert response.status_code == 200, name
                assert status == "cancelled", name
                Reservation.objects.filter(pk=reservation.pk).update(status="pending")
                StockLevel.objects.filter(outlet=reservation.outlet).update(on_hand=10, reserved=1)
            else:
                assert response.status_code in (401, 403, 404), (name, label)
                assert status == "pending", (name, label)


def test_stock_pushes_only_by_the_outlets_pos(world):
    """Sessions (even the owner's) do not push: pushes are for POS tokens; a token pushes
    only to outlets it may sync."""
    for name, (client, _acts_for) in identities(world).items():
        for side, label in ((world.sides[0], "A"), (world.sides[1], "B")):
            outlet = side[2]
            body = {"as_of": timezone.now().isoformat(), "items": []}
            before = SyncRun.objects.count()
            response = client.post(f"/api/v1/outlets/{outlet.code}/stock/", body, format="json")
            if (name == "a_token" and label == "A") or (name == "x_token" and label == "A"):
                assert response.status_code == 202
            else:
                assert response.status_code in (401, 403, 404), (name, label, response.status_code)
                assert SyncRun.objects.count() == before
