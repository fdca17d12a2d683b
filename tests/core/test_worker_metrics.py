"""What a Celery worker process counts is scraped from the web: every process writes its
Prometheus figures to one folder (PROMETHEUS_MULTIPROC_DIR) and /metrics adds them up."""

import os
import signal
import time

import pytest
from prometheus_client.parser import text_string_to_metric_families

from o2o.inventory.models import SyncRun
from tests.factories import minutes_ago
from tests.worker_process import start_worker_process

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def figure(client, name, **labels):
    text = client.get("/metrics").content.decode()
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return 0.0


def test_a_figure_only_the_worker_produced_is_scraped_from_the_web(client, world, pos):
    applied = {"kind": "snapshot", "status": "applied"}
    timed = {"task": "o2o.inventory.tasks.apply_sync_run_task"}
    before = figure(client, "o2o_sync_runs_total", **applied)
    before_timed = figure(client, "o2o_celery_task_seconds_count", **timed)
    worker = start_worker_process()
    try:
        pushed = pos.post(
            "/api/v1/outlets/pune-1/stock/",
            {"as_of": minutes_ago(1), "items": [{"sku": world.variant.sku, "on_hand": 9}]},
            format="json",
        )
        assert pushed.status_code == 202
        run_id, deadline = pushed.json()["sync_run"], time.monotonic() + 60
        while SyncRun.objects.get(pk=run_id).status != "applied":
            assert time.monotonic() < deadline, "the worker did not apply the push in 60 s"
            time.sleep(0.2)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
    # this process never ran the task (no eager mode here): the increase is the worker's
    assert figure(client, "o2o_sync_runs_total", **applied) == before + 1
    assert figure(client, "o2o_celery_task_seconds_count", **timed) == before_timed + 1
