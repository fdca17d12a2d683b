"""Every request has an id (the client's when plain), answered in X-Request-ID; JSON log
lines carry it, the Celery task id and the fields a call adds; a reservation's e-mail,
sent by a separate worker process, is found in the worker's log by the request's id."""

import json
import logging
import os
import re
import signal
import time

import pytest
from rest_framework.test import APIClient

from o2o.core.logs import ContextFilter, JsonFormatter, current_request_id
from tests.factories import api_reservation
from tests.worker_process import start_worker_process


@pytest.mark.parametrize("sent", ["trace-7f3a", "a.b:c_d-1", "A" * 64])
def test_a_plain_request_id_is_kept_and_answered(client, db, sent):
    assert client.get("/health/live/", HTTP_X_REQUEST_ID=sent)["X-Request-ID"] == sent


@pytest.mark.parametrize("sent", ["", "has space", "new\nline", "A" * 65, "nul\x00", "ü"])
def test_any_other_request_id_is_replaced(client, db, sent):
    answered = client.get("/health/live/", HTTP_X_REQUEST_ID=sent)["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", answered)


def test_requests_without_an_id_get_a_new_one_each(client, db):
    first, second = (client.get("/health/live/")["X-Request-ID"] for _ in range(2))
    assert first != second


def test_a_json_line_carries_the_request_id_and_the_extra_fields():
    record = logging.LogRecord("o2o", logging.INFO, __file__, 1, "sync #%s applied", (7,), None)
    record.sync_run = 7
    token = current_request_id.set("trace-1")
    try:
        ContextFilter().filter(record)
    finally:
        current_request_id.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "INFO"
    assert line["message"] == "sync #7 applied"
    assert (line["request_id"], line["sync_run"], line["logger"]) == ("trace-1", 7, "o2o")
    assert "time" in line


def json_lines(path):
    lines = []
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if raw.startswith("{"):
            try:
                lines.append(json.loads(raw))
            except ValueError:
                continue
    return lines


def _task_done(log_path, code):
    lines = json_lines(log_path)
    sent = [line["task_id"] for line in lines if line.get("reservation") == code]
    return any(line.get("task_id") in sent and "succeeded" in line["message"] for line in lines)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_reservation_is_followed_from_the_request_to_the_workers_mail(world, tmp_path):
    log_path = tmp_path / "worker.log"
    log = open(log_path, "wb")  # noqa: SIM115 (closed with the worker)
    worker = start_worker_process(output=log, loglevel="INFO", DJANGO_LOG_FORMAT="json")
    try:
        made = APIClient().post(
            "/api/v1/reservations/",
            api_reservation(world),
            format="json",
            HTTP_X_REQUEST_ID="trace-5e1f",
        )
        assert made.status_code == 201
        assert made["X-Request-ID"] == "trace-5e1f"
        code, deadline = made.json()["code"], time.monotonic() + 60
        while not _task_done(log_path, code):  # the mail sent, and Celery's own last word
            assert time.monotonic() < deadline, log_path.read_text()[-2000:]
            time.sleep(0.2)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
        log.close()
    sent = next(line for line in json_lines(log_path) if line.get("reservation") == code)
    assert sent["message"] == "reservation status sent"
    assert sent["request_id"] == "trace-5e1f"  # the request that queued it
    assert sent["task_id"]
    same_task = [line for line in json_lines(log_path) if line.get("task_id") == sent["task_id"]]
    assert any("succeeded" in line["message"] for line in same_task)  # Celery's own line
    assert f"Reservation {code}" in log_path.read_text()  # the e-mail itself (console)
