"""The receipt a shopper gets when reserving over the API: what a later read of the same
reservation shows, made with a bounded number of statements (nothing is read back)."""

import pytest
from rest_framework.test import APIClient

from o2o.inventory.models import StockLevel, StockMovement
from o2o.reservations.models import Reservation
from tests.factories import api_reservation

pytestmark = pytest.mark.django_db


def test_the_receipt_is_what_reading_the_reservation_back_shows(world):
    made = APIClient().post("/api/v1/reservations/", api_reservation(world, quantity=2))
    assert made.status_code == 201, made.content
    receipt = made.json()
    read = APIClient().get(
        f"/api/v1/reservations/{receipt['code']}/", {"email": "asha@example.com"}
    )
    assert read.status_code == 200
    assert receipt == read.json()
    assert receipt["lines"] == [
        {"sku": world.variant.sku, "quantity": 2, "unit_price": str(world.variant.price)}
    ]
    assert receipt["held_until"].endswith("+05:30")  # Pune's own clock
    level = StockLevel.objects.get(outlet=world.outlet, variant=world.variant)
    assert level.reserved == 2
    movement = StockMovement.objects.get(reference=receipt["code"])
    assert (movement.reason, movement.reserved_delta, movement.on_hand_delta) == ("hold", 2, 0)


def test_reserving_runs_a_bounded_number_of_statements(world, django_assert_max_num_queries):
    client = APIClient()
    client.post("/api/v1/reservations/", api_reservation(world))  # warm: nothing is cached
    # 2 reads, the lock, 4 writes, the transaction (SQLite: 2 more, it has no CTE or lock)
    with django_assert_max_num_queries(11):
        made = client.post(
            "/api/v1/reservations/", api_reservation(world, shopper_email="ravi@example.com")
        )
    assert made.status_code == 201, made.content


def test_a_hold_past_the_units_on_hand_takes_nothing_and_records_nothing(world):
    StockLevel.objects.filter(outlet=world.outlet, variant=world.variant).update(on_hand=1)
    too_many = APIClient().post("/api/v1/reservations/", api_reservation(world, quantity=2))
    assert too_many.status_code == 409, too_many.content
    assert too_many.json()["code"] == "insufficient_stock"
    level = StockLevel.objects.get(outlet=world.outlet, variant=world.variant)
    assert (level.on_hand, level.reserved) == (1, 0)
    assert not StockMovement.objects.exists()
    assert not Reservation.objects.exists()  # the reservation row went with the rollback
