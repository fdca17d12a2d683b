"""A snapshot pushed over the API is applied by a real Celery worker over Redis."""

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone
from rest_framework.test import APIClient

from o2o.celery import app
from o2o.inventory.integrations import create_integration
from o2o.inventory.models import StockLevel, SyncRun
from tests.factories import make_world

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_real_worker_applies_a_pushed_snapshot():
    world = make_world(on_hand=5)
    _integration, token = create_integration(retailer=world.outlet.retailer, name="POS")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        response = client.post(
            "/api/v1/outlets/pune-1/stock/",
            {
                "as_of": (timezone.now() - timedelta(minutes=1)).isoformat(),
                "items": [{"sku": world.variant.sku, "on_hand": 11}, {"sku": "??", "on_hand": 1}],
            },
            format="json",
        )
        assert response.status_code == 202
        run_id = response.json()["sync_run"]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if SyncRun.objects.get(pk=run_id).status == "applied":
                break
            time.sleep(0.2)
    run = SyncRun.objects.get(pk=run_id)
    assert (run.status, run.rows_applied, run.rows_rejected) == ("applied", 1, 1)
    assert StockLevel.objects.get(pk=world.level.pk).on_hand == 11
    report = client.get(f"/api/v1/sync-runs/{run_id}/").json()
    assert report["row_errors"][0]["line"] == 2
