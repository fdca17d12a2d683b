"""Health and readiness endpoints, Prometheus metrics, JSON logs."""

import json
import logging

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
    assert ready.status_code == 200 and ready.json()["status"] == "ok"


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
