"""The hold reads the outlet's status and authorisation under the outlet's lock and holds in
the same statement (PostgreSQL); shoppers are refused in the same order as before (the
shop, its delivery, the stock), and a refusal holds nothing."""

import threading
import time

import pytest
from django.db import connection, transaction

from o2o.inventory.models import StockLevel, StockMovement
from o2o.outlets.models import Outlet, OutletAuthorization
from o2o.reservations.models import Reservation
from tests.factories import api_reservation, make_world

RESERVE = "/api/v1/reservations/"
FAR_AWAY = {"fulfilment": "delivery", "delivery_address": "1 Far Road", "lat": 28.6, "lng": 77.2}


def reserve(client, world, **changes):
    return client.post(RESERVE, api_reservation(world, **changes), content_type="application/json")


def nothing_held(world):
    level = StockLevel.objects.get(pk=world.level.pk)
    return (
        level.reserved == 0
        and not StockMovement.objects.filter(reason="hold").exists()
        and not Reservation.objects.exists()
    )


@pytest.mark.django_db
def test_a_delivery_refused_after_the_units_were_held_holds_nothing(client):
    world = make_world(on_hand=5)
    Outlet.objects.filter(pk=world.outlet.pk).update(delivery_radius_km=5)
    answer = reserve(client, world, **FAR_AWAY)
    assert answer.status_code == 400, answer.content
    assert answer.json()["code"] == "outside_delivery_radius"
    assert "delivers within 5 km" in answer.json()["detail"]
    assert nothing_held(world)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "authorised", "on_hand", "changes", "code", "refusal"),
    [
        ("paused", True, 0, FAR_AWAY, 400, "not taking reservations"),
        ("closed", True, 5, {}, 400, "not taking reservations"),
        ("active", False, 0, FAR_AWAY, 400, "does not sell this brand"),
        ("active", True, 0, FAR_AWAY, 400, "does not deliver"),
        ("active", True, 1, {"quantity": 2}, 409, "no longer has enough units"),
    ],
)
def test_the_shop_is_told_first_then_its_delivery_then_the_stock(
    client, status, authorised, on_hand, changes, code, refusal
):
    world = make_world(on_hand=on_hand)
    Outlet.objects.filter(pk=world.outlet.pk).update(status=status)
    OutletAuthorization.objects.filter(outlet=world.outlet).update(is_active=authorised)
    answer = reserve(client, world, **changes)
    assert answer.status_code == code, answer.content
    assert refusal in answer.json()["detail"]
    assert nothing_held(world)


def reserve_planned(client, world, plan_cache_mode):
    """A reservation on a connection whose prepared statements run on `plan_cache_mode`'s
    plans (a generic plan is what a busy connection runs the hold on)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('plan_cache_mode', %s, false)", [plan_cache_mode])
    return reserve(client, world)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("plan_cache_mode", ["force_custom_plan", "force_generic_plan"])
def test_a_shop_paused_while_a_shopper_reserves_is_read_under_its_lock(client, plan_cache_mode):
    """A transaction holding the outlet (as a snapshot or a pause does) makes the hold
    wait; once it commits the pause, the hold reads it and holds nothing, whichever plan
    the server runs the prepared hold on."""
    world = make_world(on_hand=5)
    locked, release = threading.Event(), threading.Event()

    def pause():
        try:
            with transaction.atomic():
                Outlet.objects.select_for_update().get(pk=world.outlet.pk)
                locked.set()
                release.wait(10)
                Outlet.objects.filter(pk=world.outlet.pk).update(status="paused")
        finally:
            connection.close()

    pausing = threading.Thread(target=pause)
    pausing.start()
    assert locked.wait(10)
    answers = []
    reserving = threading.Thread(
        target=lambda: (
            answers.append(reserve_planned(client, world, plan_cache_mode)),
            connection.close(),
        )
    )
    reserving.start()
    time.sleep(0.5)
    assert reserving.is_alive()  # waiting for the outlet's lock
    release.set()
    pausing.join(10)
    reserving.join(10)
    assert answers[0].status_code == 400, answers[0].content
    assert "not taking reservations" in answers[0].json()["detail"]
    assert nothing_held(world)
