"""No oversell under real concurrency: PostgreSQL, real threads, real connections."""

import threading

import pytest
from django.db import connection

from o2o.inventory.models import StockLevel
from o2o.reservations import services
from o2o.reservations.errors import IllegalTransition, InsufficientStock
from o2o.reservations.models import Reservation
from tests.factories import make_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twenty_threads_race_for_the_last_five_units():
    world = make_world(on_hand=5)
    barrier = threading.Barrier(20)
    outcomes = []

    def shopper(index):
        try:
            barrier.wait()
            services.reserve(
                outlet=world.outlet,
                variant=world.variant,
                quantity=1,
                shopper_name=f"Shopper {index}",
                shopper_email=f"s{index}@example.com",
                shopper_phone="+91 9000000000",
            )
            outcomes.append("ok")
        except InsufficientStock:
            outcomes.append("insufficient")
        finally:
            connection.close()

    threads = [threading.Thread(target=shopper, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["insufficient"] * 15 + ["ok"] * 5
    level = StockLevel.objects.get(pk=world.level.pk)
    assert level.reserved == level.on_hand == 5
    assert Reservation.objects.count() == 5


def test_concurrent_collect_and_cancel_move_the_hold_once():
    world = make_world(on_hand=5)
    reservation = services.reserve(
        outlet=world.outlet,
        variant=world.variant,
        quantity=2,
        shopper_name="A",
        shopper_email="a@example.com",
        shopper_phone="+91 9000000000",
    )
    services.confirm(reservation_id=reservation.pk)
    barrier = threading.Barrier(8)
    done, refused = [], []

    def actor(index):
        try:
            barrier.wait()
            action = services.collect if index % 2 else services.cancel
            action(reservation_id=reservation.pk)
            done.append(index)
        except IllegalTransition:  # the reservation had already moved: the only refusal
            refused.append(index)
        finally:
            connection.close()

    threads = [threading.Thread(target=actor, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(done) == 1
    assert len(refused) == 7
    level = StockLevel.objects.get(pk=world.level.pk)
    assert level.reserved == 0
    assert level.on_hand in (3, 5)  # collected once, or cancelled once
