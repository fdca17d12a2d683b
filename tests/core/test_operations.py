"""Health and readiness endpoints, Prometheus metrics, JSON logs, Celery queues."""

import json
import logging

import pytest

from o2o.core.logs import JsonFormatter
from o2o.core.tasks import worker_heartbeat_task
from o2o.reservations import services


def test_liveness_and_readiness(client, db):
    assert client.get("/health/live/").json() == {"status": "ok"}
    not_yet = client.get("/health/ready/")
    assert not_yet.status_code == 503
    assert not_yet.json()["checks"] == {"database": "ok", "cache": "ok", "worker": "no heartbeat"}
    worker_heartbeat_task.delay().get()
    ready = client.get("/health/ready/")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ok"


def test_metrics_expose_business_counters(client, world):
    services.reserve(
        outlet=world.outlet,
        variant=world.variant,
        quantity=1,
        shopper_name="P",
        shopper_email="p@example.com",
        shopper_phone="+91 9000000000",
    )
    text = client.get("/metrics").content.decode()
    assert 'o2o_reservations_total{outcome="held"}' in text
    assert "django_http_requests_total_by_method_total" in text


def test_json_log_lines():
    record = logging.LogRecord("o2o", logging.INFO, __file__, 1, "sync #%s applied", (7,), None)
    line = json.loads(JsonFormatter().format(record))
    assert (line["level"], line["message"]) == ("INFO", "sync #7 applied")


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("o2o.inventory.tasks.apply_sync_run_task", "sync"),
        ("o2o.outlets.tasks.import_outlets_task", "sync"),
        ("o2o.notifications.tasks.send_reservation_status_task", "notifications"),
        ("o2o.locator.tasks.notify_back_in_stock_task", "notifications"),
        ("o2o.dashboard.tasks.roll_up_daily_figures_task", "rollups"),
        ("o2o.reservations.tasks.expire_overdue_reservations_task", "celery"),
        ("o2o.core.tasks.worker_heartbeat_task", "celery"),
    ],
)
def test_each_workload_has_its_queue_and_a_plain_worker_consumes_them_all(task, queue):
    from o2o.celery import app

    routed = app.amqp.router.route({}, task)["queue"]
    assert (routed.name, routed.routing_key) == (queue, queue)  # one queue, not every queue
    assert queue in app.amqp.queues  # declared: a worker without -Q listens to it


def test_readiness_sees_a_heartbeat_written_by_another_process(client, db, settings, tmp_path):
    """The embedded default: the worker and the web server share no cache, so the worker's
    heartbeat is a file the web process reads (the demo's /health/ready/ says ok)."""
    import os
    import subprocess
    import sys

    settings.REDIS_URL = ""
    settings.VAR_DIR = tmp_path / "shared-var"
    assert client.get("/health/ready/").json()["checks"]["worker"] == "no heartbeat"
    code = (
        "import django; django.setup(); "
        "from o2o.core.health import record_worker_heartbeat; record_worker_heartbeat()"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    subprocess.run(
        [sys.executable, "-c", code],
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "o2o.settings",
            "O2O_VAR_DIR": str(tmp_path / "shared-var"),
        },
        check=True,
    )
    assert client.get("/health/ready/").json()["checks"]["worker"] == "ok"


def test_every_page_names_a_favicon_that_exists(client, db):
    from django.contrib.staticfiles import finders

    page = client.get("/").content.decode()
    assert 'rel="icon"' in page
    assert "img/favicon.svg" in page
    assert finders.find("img/favicon.svg")
    redirect = client.get("/favicon.ico")
    assert redirect.status_code in (301, 302)
    assert redirect["Location"].endswith("favicon.svg")
