"""The launch queue's own pool (settings.O2O_POOL = "queue", Procfile.prod's `queue`): it
answers the queue's join and poll as the site does, with the site's errors and headers, and
nothing else; the same settings module, chosen by the environment."""

import datetime
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.test import Client

from o2o.launches.models import QueueTicket
from tests.factories import launch_on_sale, make_world
from tests.launches.conftest import START, url
from tests.servers import free_port, running

BODY = "application/json"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def pool(settings):
    """This process configured as the queue's pool is (the same lists O2O_POOL=queue sets,
    checked against a fresh interpreter below)."""
    settings.ROOT_URLCONF = "o2o.queue_urls"
    settings.MIDDLEWARE = settings.QUEUE_POOL_MIDDLEWARE
    return Client()


def test_the_pool_joins_and_polls_as_the_site_does(world, launch, pool):
    with time_machine.travel(START + datetime.timedelta(seconds=5), tick=False):
        first = pool.post(
            url(world, "queue/"),
            {"email": "asha@example.com"},
            content_type=BODY,
            HTTP_ACCEPT_LANGUAGE="hi",
            HTTP_X_REQUEST_ID="launch-day-1",
        )
        assert first.status_code == 201, first.content
        assert first["X-Request-ID"] == "launch-day-1"
        assert first["X-Content-Type-Options"] == "nosniff"
        answer = first.json()
        assert (answer["number"], answer["state"], answer["units"]) == (1, "admitted", 1)
        # the mails of her turn go out in the language she asked in
        assert QueueTicket.objects.get(email="asha@example.com").language == "hi"

        again = pool.post(url(world, "queue/"), {"email": " ASHA@example.com"}, content_type=BODY)
        assert (again.status_code, again.json()["number"]) == (200, 1)
        polled = pool.get(url(world, "queue/"), HTTP_X_QUEUE_TICKET=answer["ticket"])
        assert polled.status_code == 200
        assert polled.json() | {"ticket": None} == answer | {"ticket": None}

        # the site reads the pool's ticket, and the pool the site's
        site = Client()
        from_site = site.get(url(world, "queue/"), HTTP_X_QUEUE_TICKET=answer["ticket"])
        assert from_site.json()["number"] == 1


def test_the_pool_refuses_bad_input_as_the_site_does(world, launch, pool):
    with time_machine.travel(START + datetime.timedelta(seconds=5), tick=False):
        queue_url = url(world, "queue/")
        cases = [
            pool.post(queue_url, b"{not json\xff", content_type=BODY),
            pool.post(queue_url, {"email": "not an address"}, content_type=BODY),
            pool.post(queue_url, {"email": "a@example.com\x00"}, content_type=BODY),
            pool.post(queue_url, [], content_type=BODY),
        ]
        assert [case.status_code for case in cases] == [400, 400, 400, 400]
        assert all(case["Content-Type"] == BODY for case in cases)
        assert "email" in cases[1].json()["fields"]
        forged = pool.get(queue_url, HTTP_X_QUEUE_TICKET="1:forged:ticket")
        assert (forged.status_code, forged.json()["code"]) == (403, "ticket_invalid")
        assert pool.put(queue_url, {}, content_type=BODY).status_code == 405
        assert not QueueTicket.objects.exists()


def test_the_pool_serves_nothing_but_the_queue(world, launch, pool):
    """Reserving reads the signed-in shopper, and pages need sessions, CSRF and login: the
    pool has none of them, so it does not serve those paths at all (its health checks
    aside)."""
    for path in [
        url(world, "reserve/"),
        url(world),
        "/api/v1/availability/",
        "/api/v1/reservations/",
        "/admin/",
        "/",
        f"/{world.brand.slug}/",
    ]:
        answer = pool.get(path)
        assert answer.status_code == 404, path
    assert pool.post(url(world, "reserve/"), {}, content_type=BODY).json()["code"] == "not_found"
    assert pool.get("/health/live/").status_code == 200  # what its load balancer reads


def test_a_signed_in_shopper_joins_with_no_csrf_token(world, launch, django_user_model):
    """Joining and polling act on nobody's account: the site reads no session for them, as
    the pool cannot."""
    shopper = Client(enforce_csrf_checks=True)
    shopper.force_login(django_user_model.objects.create_user("asha", password="x" * 12))
    with time_machine.travel(START + datetime.timedelta(seconds=5), tick=False):
        joined = shopper.post(
            url(world, "queue/"), {"email": "asha@example.com"}, content_type=BODY
        )
    assert joined.status_code == 201, joined.content


def _settings_in_a_fresh_process(pool):
    env = {**os.environ, "O2O_POOL": pool, "DJANGO_SETTINGS_MODULE": "o2o.settings"}
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "print(settings.ROOT_URLCONF, settings.MIDDLEWARE == settings.QUEUE_POOL_MIDDLEWARE)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env
    )


def test_o2o_pool_chooses_the_urls_and_middleware_and_refuses_a_typo():
    assert _settings_in_a_fresh_process("queue").stdout.split() == ["o2o.queue_urls", "True"]
    assert _settings_in_a_fresh_process("site").stdout.split() == ["o2o.urls", "False"]
    typo = _settings_in_a_fresh_process("queues")
    assert typo.returncode != 0
    assert "O2O_POOL must be 'site' or 'queue', not 'queues'" in typo.stderr


def _http(port, method, path, body=b"", headers=None):
    """(status, JSON body) of one request to 127.0.0.1:`port`."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, json.loads(answer.read() or b"{}")
    finally:
        connection.close()


def _serving(port, deadline):
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.2)
    return False


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_procfile_prods_queue_process_serves_a_launch(tmp_path):
    """Procfile.prod's `queue` line, run as honcho runs it (a shell), against this test's
    database: a shopper joins and polls over HTTP, in her language."""
    world = make_world(on_hand=20)
    launch_on_sale(world, {world.outlet: 2})
    procfile = (ROOT / "Procfile.prod").read_text(encoding="utf-8").splitlines()
    line = next(line.split(":", 1)[1] for line in procfile if line.startswith("queue:"))
    port = free_port()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "O2O_QUEUE_BIND": f"127.0.0.1:{port}",
        "QUEUE_CONCURRENCY": "1",
        "DJANGO_DEBUG": "false",
    }
    with running(["sh", "-c", line], env=env, var_dir=tmp_path, cwd=ROOT):
        assert _serving(port, time.monotonic() + 90)
        status, joined = _http(
            port,
            "POST",
            url(world, "queue/"),
            b'{"email": "asha@example.com"}',
            {"Content-Type": BODY, "Accept-Language": "zh-hans"},
        )
        assert status == 201, joined
        ticket = QueueTicket.objects.get(email="asha@example.com")
        assert (ticket.number, ticket.language) == (1, "zh-hans")
        status, polled = _http(
            port, "GET", url(world, "queue/"), headers={"X-Queue-Ticket": joined["ticket"]}
        )
        assert (status, polled["state"]) == (200, "admitted")
        assert _http(port, "GET", url(world))[0] == 404  # the site's path, not the pool's
        assert _http(port, "GET", "/health/live/")[0] == 200  # for the load balancer
