"""A reservation's status changes wait in their event rows until a worker passes them on
(nudged after commits, at most about once a second per web process, and by beat every
minute): every change reaches the shopper once, none is lost when the broker is away or
a run fails, and a burst of reservations costs a few messages, not one each."""

import os
import re
import signal
import threading
import time
from http.server import ThreadingHTTPServer

import pytest
from django.core import mail
from django.db import connection, transaction
from rest_framework.test import APIClient

from o2o.celery import app as celery_app
from o2o.core.models import OutboxMessage
from o2o.inventory.models import StockLevel
from o2o.notifications import tasks
from o2o.reservations import services as reservations
from o2o.reservations.models import Reservation, ReservationEvent
from tests.factories import api_reservation
from tests.notifications.test_mail import StubMailgun, broker_down, run_outbox  # noqa: F401
from tests.worker_process import start_worker_process


def unannounced():
    return ReservationEvent.objects.filter(announced_at__isnull=True).count()


def reserve(world, language="en", **changes):
    response = APIClient().post(
        "/api/v1/reservations/",
        api_reservation(world, **changes),
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 201, response.content
    return Reservation.objects.get(code=response.json()["code"])


def test_each_change_reaches_the_shopper_once(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = reserve(world)
    with django_capture_on_commit_callbacks(execute=True):
        reservations.confirm(reservation_id=made.pk)
    sent = [message for message in mail.outbox if made.code in message.subject]
    assert len(sent) == 2
    assert "Pending" in sent[0].subject or "pending" in sent[0].body.lower()
    assert "onfirmed" in sent[1].subject
    assert unannounced() == 0
    tasks.announce_reservation_changes_task.apply()  # beat's run finds nothing left
    assert len(mail.outbox) == 2


def test_changes_made_while_the_broker_is_away_reach_the_shopper_once_it_is_back(
    world,
    broker_down,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        reserve(world, language="hi")
    assert mail.outbox == []
    assert unannounced() == 1
    assert OutboxMessage.objects.filter(task=tasks.announce_reservation_changes_task.name)
    celery_app.conf.task_always_eager = True  # the broker is back (the fixture restores it)
    run_outbox()  # the kept nudge runs
    tasks.announce_reservation_changes_task.apply()  # and beat's, a minute later
    assert len(mail.outbox) == 1
    assert "नमस्ते" in mail.outbox[0].body  # in the language it was made in
    assert unannounced() == 0


def test_a_run_that_fails_marks_nothing_and_the_next_one_sends(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    first, second = reserve(world), reserve(world, shopper_email="ravi@example.com")
    assert unannounced() == 2  # (their commits' nudges were not run)

    def broken(task, *args, **kwargs):  # the worker dies while passing them on
        raise RuntimeError("worker lost")

    monkeypatch.setattr(tasks, "enqueue", broken)
    failed = tasks.announce_reservation_changes_task.apply(throw=False)
    assert failed.state == "FAILURE"
    assert isinstance(failed.result, RuntimeError)
    assert unannounced() == 2
    monkeypatch.undo()
    tasks.announce_reservation_changes_task.apply()
    assert sorted(message.to[0] for message in mail.outbox) == [
        first.shopper_email,
        second.shopper_email,
    ]
    assert unannounced() == 0


def test_claiming_outside_a_transaction_is_refused(transactional_db):
    with pytest.raises(RuntimeError):
        reservations.claim_unannounced_changes()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_claim_different_changes(world):
    StockLevel.objects.filter(pk=world.level.pk).update(on_hand=100)
    for index in range(6):
        reserve(world, shopper_email=f"s{index}@example.com")
    ReservationEvent.objects.update(announced_at=None)  # (eager mode announced them)
    claimed, holding, done = {}, threading.Event(), threading.Event()

    def claim(name, *, hold):
        try:
            with transaction.atomic():
                claimed[name] = reservations.claim_unannounced_changes(limit=4)
                if hold:
                    holding.set()
                    done.wait(10)
        finally:
            connection.close()

    first = threading.Thread(target=claim, args=("first",), kwargs={"hold": True})
    first.start()
    assert holding.wait(10)
    claim("second", hold=False)  # while the first still holds its rows
    done.set()
    first.join()
    assert len(claimed["first"]) == 4
    assert len(claimed["second"]) == 2
    assert not set(claimed["first"]) & set(claimed["second"])
    assert unannounced() == 0


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_burst_of_reservations_is_mailed_once_each_by_a_real_worker(world, tmp_path, settings):
    """Over a real broker and worker: 30 reservations in a burst, every shopper gets one
    mail, and the worker received a few nudges, not one message per reservation."""
    settings.O2O_RESERVATIONS_PER_IP = 1000  # one address reserves for everyone here
    StockLevel.objects.filter(pk=world.level.pk).update(on_hand=1000)
    celery_app.control.purge()
    StubMailgun.received, StubMailgun.taken = [], 1  # no outage in this test
    server = ThreadingHTTPServer(("127.0.0.1", 0), StubMailgun)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        worker = start_worker_process(
            output=output,
            loglevel="INFO",
            O2O_MAIL_PROVIDER="mailgun",
            O2O_MAIL_API_KEY="key-test",
            O2O_MAIL_API_URL=f"http://127.0.0.1:{server.server_port}/v3",
            O2O_MAIL_SENDER_DOMAIN="mg.o2o.example",
        )
    try:
        began = time.monotonic()
        emails = [f"shopper{index}@example.com" for index in range(30)]
        for email in emails:
            reserve(world, shopper_email=email)
        burst = time.monotonic() - began
        deadline = time.monotonic() + 60
        while len({t["form"]["to"][0] for t in StubMailgun.received}) < len(emails):
            assert time.monotonic() < deadline, len(StubMailgun.received)
            time.sleep(0.2)
        time.sleep(2)  # room for a second mail to anyone to show
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
        server.shutdown()
    to = sorted(t["form"]["to"][0] for t in StubMailgun.received)
    assert to == sorted(emails)  # each once
    assert unannounced() == 0
    nudges = re.findall(r"announce_reservation_changes_task\[[^\]]+\] received", log.read_text())
    assert 1 <= len(nudges) <= 2 * burst + 2, (len(nudges), burst)


def test_a_run_stops_after_its_batches_and_queues_the_rest(world, monkeypatch):
    StockLevel.objects.filter(pk=world.level.pk).update(on_hand=100)
    for index in range(5):
        reserve(world, shopper_email=f"s{index}@example.com")
    monkeypatch.setattr(tasks, "ANNOUNCED_PER_BATCH", 1)
    monkeypatch.setattr(tasks, "BATCHES_PER_RUN", 2)
    tasks.announce_reservation_changes_task.apply()  # 2 now, then runs again (eager)...
    assert unannounced() == 0  # ...until none is left, a couple at a time
    assert len(mail.outbox) == 5
