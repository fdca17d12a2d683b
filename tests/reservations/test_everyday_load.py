"""Everyday load on one outlet, all at once over HTTP on PostgreSQL: shoppers reserving
and cancelling, staff collecting, the POS pushing counts back to back. Zero 5xx, zero
oversell: every path takes the outlet's lock before the stock rows (inventory/locks.py)."""

import random
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone
from rest_framework.test import APIClient

from o2o.inventory.integrations import create_integration
from o2o.inventory.models import StockLevel
from tests.factories import make_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SECONDS = 8


def test_counts_holds_cancels_and_collections_at_once_answer_no_5xx(settings):
    settings.O2O_RESERVATIONS_PER_IP = 10_000
    settings.O2O_RESERVATIONS_PER_EMAIL = 10_000
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"shopper": "100000/min"},
    }
    world = make_world(on_hand=6)
    _integration, token = create_integration(retailer=world.outlet.retailer, name="POS")
    statuses, errors = [], []
    stop = time.monotonic() + SECONDS

    def record(response):
        statuses.append(response.status_code)
        if response.status_code >= 500:
            errors.append(response.content[:300])
        return response

    def pos():
        client = APIClient(raise_request_exception=False)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        while time.monotonic() < stop:
            as_of = (timezone.now() - timedelta(seconds=1)).isoformat()
            body = {"as_of": as_of, "items": [{"sku": world.variant.sku, "on_hand": 6}]}
            record(client.post("/api/v1/outlets/pune-1/stock/", body, format="json"))
        connection.close()

    def shopper(index):
        client = APIClient(REMOTE_ADDR=f"203.0.113.{index}", raise_request_exception=False)
        while time.monotonic() < stop:
            email = f"s{index}-{random.randrange(10**9)}@example.com"
            made = record(
                client.post(
                    "/api/v1/reservations/",
                    {
                        "brand": world.brand.slug,
                        "sku": world.variant.sku,
                        "outlet": "pune-1",
                        "quantity": 1,
                        "shopper_name": "S",
                        "shopper_email": email,
                        "shopper_phone": "+91 9000000000",
                    },
                    format="json",
                )
            )
            if made.status_code == 201 and index % 2:
                code = made.json()["code"]
                record(
                    client.post(
                        f"/api/v1/reservations/{code}/cancel/", {"email": email}, format="json"
                    )
                )
        connection.close()

    def staff():
        client = APIClient(raise_request_exception=False)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        while time.monotonic() < stop:
            listed = record(client.get("/api/v1/retailer/reservations/", {"status": "pending"}))
            for found in listed.json().get("results", [])[:3]:
                action = random.choice(["collect", "confirm", "decline"])
                record(client.post(f"/api/v1/retailer/reservations/{found['code']}/{action}/"))
        connection.close()

    threads = [threading.Thread(target=pos) for _ in range(2)]
    threads += [threading.Thread(target=shopper, args=(i,)) for i in range(6)]
    threads += [threading.Thread(target=staff) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == [], errors[:3]
    assert statuses.count(201) > 0
    assert statuses.count(202) > 0
    level = StockLevel.objects.get(pk=world.level.pk)
    assert 0 <= level.reserved <= level.on_hand


def test_a_real_deadlock_is_retried_until_both_transactions_commit():
    """Two transactions lock two stock rows in opposite orders: PostgreSQL kills one with a
    deadlock, and atomic_with_retry runs it again instead of answering an error."""
    from o2o.core.db import atomic_with_retry
    from tests.factories import stock

    world = make_world(on_hand=5)
    second = stock(world.outlet, world.other_variant, 5)
    rows = [world.level.pk, second.pk]
    barrier = threading.Barrier(2)
    attempts, failures = [], []

    @atomic_with_retry
    def bump(first, then):
        attempts.append(first)
        StockLevel.objects.filter(pk=first).update(on_hand=F("on_hand") + 1)
        if len(attempts) <= 2:
            barrier.wait(timeout=10)
        time.sleep(0.2)
        StockLevel.objects.filter(pk=then).update(on_hand=F("on_hand") + 1)

    def run(order):
        try:
            bump(*order)
        except Exception as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(order,)) for order in (rows, rows[::-1])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(attempts) == 3  # one of the two ran twice
    assert sorted(StockLevel.objects.filter(pk__in=rows).values_list("on_hand", flat=True)) == [
        7,
        7,
    ]
