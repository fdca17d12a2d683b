"""Redis away (a port where nothing listens): shopper reads come from the database, writes
commit and their tasks wait in the outbox, sign-in works, readiness says 503. No 500s."""

import socket
import time

import pytest
from django.test import Client
from rest_framework.test import APIClient

from o2o.celery import app as celery_app
from o2o.core.cache import RedisCache
from o2o.core.models import OutboxMessage, User
from o2o.inventory.models import SyncRun
from o2o.reservations.models import Reservation, ReservationEvent
from tests.factories import api_reservation, minutes_ago, page_reservation

PASSWORD = "right-pass-2026"


def dead_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again: nothing listens there


def point_broker_at(url):
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def redis_down(settings):
    url = f"redis://127.0.0.1:{dead_port()}/0"
    settings.CACHES = {"default": {"BACKEND": "o2o.core.cache.RedisCache", "LOCATION": url}}
    settings.O2O_SHOPPER_CACHE_SECONDS = 60
    settings.O2O_CACHE_RETRY_SECONDS = 0  # try Redis on every call: the worst case
    RedisCache._down_until = 0.0
    broker, eager = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    point_broker_at(url)
    yield url
    celery_app.conf.task_always_eager = eager
    point_broker_at(broker)
    RedisCache._down_until = 0.0


@pytest.mark.django_db(transaction=True)
def test_every_surface_answers_without_redis(world, redis_down):
    shopper, started = Client(raise_request_exception=False), time.monotonic()
    pages = [
        "/",
        f"/{world.brand.slug}/",
        f"/{world.brand.slug}/{world.product.slug}/",
        f"/{world.brand.slug}/?q=aurora",
        "/api/v1/brands/",
        f"/api/v1/brands/{world.brand.slug}/products/",
        f"/api/v1/brands/{world.brand.slug}/products/{world.product.slug}/",
        f"/api/v1/availability/?sku={world.variant.sku}&brand={world.brand.slug}"
        "&lat=18.52&lng=73.85",
        "/health/live/",
    ]
    for path in pages:
        response = shopper.get(path)
        assert response.status_code == 200, (path, response.status_code)
    assert shopper.get("/health/ready/").status_code == 503

    api = APIClient(raise_request_exception=False)
    reserved = api.post(
        "/api/v1/reservations/",
        api_reservation(world),
        format="json",
    )
    assert reserved.status_code == 201, reserved.content[:300]
    form = shopper.post(f"/reserve/pune-1/{world.variant.pk}/", page_reservation())
    assert form.status_code == 302, form.content[:300]
    assert Reservation.objects.count() == 2

    User.objects.create_user("owner", "o@example.com", PASSWORD, is_staff=True)
    owner = Client(raise_request_exception=False)
    signed_in = owner.post(
        "/admin/login/?next=/admin/", {"username": "owner", "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    assert owner.get("/admin/").status_code == 200  # the session was kept (in the database)

    from o2o.inventory.integrations import create_integration

    _integration, token = create_integration(retailer=world.outlet.retailer, name="POS")
    pos = APIClient(raise_request_exception=False)
    pos.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    pushed = pos.post(
        "/api/v1/outlets/pune-1/stock/",
        {"as_of": minutes_ago(1), "items": [{"sku": world.variant.sku, "on_hand": 9}]},
        format="json",
    )
    assert pushed.status_code == 202
    run = SyncRun.objects.get(pk=pushed.json()["sync_run"])
    waiting = OutboxMessage.objects.filter(task="o2o.inventory.tasks.apply_sync_run_task")
    assert [message.args for message in waiting] == [[run.pk]]  # not an orphan: it waits
    # the shoppers' mails: their changes wait in their event rows, the nudge in the outbox
    assert ReservationEvent.objects.filter(announced_at__isnull=True).count() == 2
    assert OutboxMessage.objects.filter(task__endswith="announce_reservation_changes_task")
    assert time.monotonic() - started < 60


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_outbox_is_sent_when_the_broker_is_back(world, redis_down, settings):
    from celery.contrib.testing.worker import start_worker

    from o2o.core.outbox import drain
    from o2o.inventory.models import StockLevel
    from o2o.inventory.services import queue_snapshot

    run = queue_snapshot(
        outlet=world.outlet, as_of=minutes_ago(1), items=[{"sku": world.variant.sku, "on_hand": 8}]
    )
    assert OutboxMessage.objects.count() >= 1
    point_broker_at(settings.REDIS_URL)
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert drain() >= 1
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and SyncRun.objects.get(pk=run.pk).status != "applied":
            time.sleep(0.2)
    assert SyncRun.objects.get(pk=run.pk).status == "applied"
    assert StockLevel.objects.get(pk=world.level.pk).on_hand == 8
    assert not OutboxMessage.objects.filter(args=[run.pk]).exists()
