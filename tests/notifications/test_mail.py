"""Mail for production: the provider and its key come from the environment (django-anymail),
every message is rendered and sent by Celery in the language of the person it is for (never
inside the web request), and a provider that is down is tried again with backoff while one
that refuses a message is not."""

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from base64 import b64decode
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.test import Client

from o2o.celery import app as celery_app
from o2o.core.models import OutboxMessage
from o2o.outlets.models import OutletApplication, Retailer
from tests.admin.tenancy_world import build, login
from tests.trust.test_redis_down import dead_port, point_broker_at
from tests.worker_process import start_worker_process

APPLICATION = {
    "business_name": "Lakshmi Telecom",
    "outlet_name": "Lakshmi Telecom Aundh",
    "contact_name": "Lakshmi",
    "contact_email": "lakshmi@telecom.example",
    "phone": "+91 98220 11111",
    "address": "12 ITI Road",
    "city": "Pune",
    "country": "IN",
    "latitude": "18.5590",
    "longitude": "73.8077",
    "consent": "on",
}


def devanagari(text):
    return any("\u0900" <= character <= "\u097f" for character in text)


def han(text):
    return any("\u4e00" <= character <= "\u9fff" for character in text)


def settings_under(env):
    """The mail settings a process started with `env` ends up with."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.EMAIL_BACKEND, s.ANYMAIL]))"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "o2o.settings", **env}
    out = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def check_under(env):
    environment = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "manage.py", "check"], env=environment, capture_output=True, text=True
    )


def test_the_provider_and_its_key_come_from_the_environment():
    assert settings_under({"O2O_MAIL_PROVIDER": ""})[0] == (
        "django.core.mail.backends.console.EmailBackend"  # the demo prints its mail
    )
    backend, anymail = settings_under(
        {
            "O2O_MAIL_PROVIDER": "Mailgun",
            "O2O_MAIL_API_KEY": "key-123",
            "O2O_MAIL_API_URL": "https://api.eu.mailgun.net/v3",
            "O2O_MAIL_SENDER_DOMAIN": "mg.o2o.example",
        }
    )
    assert backend == "anymail.backends.mailgun.EmailBackend"
    assert anymail == {
        "MAILGUN_API_KEY": "key-123",
        "MAILGUN_API_URL": "https://api.eu.mailgun.net/v3",
        "MAILGUN_SENDER_DOMAIN": "mg.o2o.example",
    }
    postmark = settings_under({"O2O_MAIL_PROVIDER": "postmark", "O2O_MAIL_API_KEY": "t"})
    assert postmark[1] == {"POSTMARK_SERVER_TOKEN": "t"}


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"O2O_MAIL_PROVIDER": "mailgun", "O2O_MAIL_API_KEY": " "}, "O2O_MAIL_API_KEY is empty"),
        ({"O2O_MAIL_PROVIDER": "pigeon", "O2O_MAIL_API_KEY": "k"}, "'pigeon' is not a provider"),
    ],
)
def test_a_mail_provider_that_cannot_work_stops_the_start(env, says):
    checked = check_under(env)
    assert checked.returncode != 0
    assert "o2o.E006" in checked.stderr
    assert says in checked.stderr


@pytest.fixture
def tenancy(db):
    return build()


@pytest.fixture
def broker_down():
    broker, eager = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    point_broker_at(f"redis://127.0.0.1:{dead_port()}/0")
    yield
    celery_app.conf.task_always_eager = eager
    point_broker_at(broker)


def run_outbox():
    """What a worker does with the queued messages once the broker is back."""
    for message in OutboxMessage.objects.order_by("pk"):
        celery_app.tasks[message.task].apply(args=message.args, throw=True)


def test_decisions_and_invitations_are_sent_by_celery_in_the_readers_language(
    tenancy, broker_down, django_capture_on_commit_callbacks
):
    brand = tenancy.sides[0][1]
    Client().post(f"/partners/{brand.slug}/apply/", APPLICATION, HTTP_ACCEPT_LANGUAGE="hi")
    application = OutletApplication.objects.get(outlet_name="Lakshmi Telecom Aundh")
    assert application.language == "hi"
    reviewer = login(tenancy, "x_manager")
    owner = login(tenancy, "a_owner")
    retailer = Retailer.objects.get(name="Shop A")
    with django_capture_on_commit_callbacks(execute=True):
        decided = reviewer.post(
            "/admin/outlets/outletapplication/",
            {"action": "reject", "_selected_action": [application.pk], "note": "No licence."},
        )
        invited = owner.post(
            f"/admin/outlets/retailer/{retailer.pk}/invite/",
            {"email": "wei@shop-a.example", "role": "staff"},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    assert decided.status_code == 302
    assert invited.status_code == 302
    assert mail.outbox == []  # the requests sent nothing themselves: the broker was away
    assert sorted(OutboxMessage.objects.values_list("task", flat=True)) == [
        "o2o.notifications.tasks.send_application_decision_task",
        "o2o.notifications.tasks.send_staff_invitation_task",
    ]
    run_outbox()
    by_recipient = {message.to[0]: message for message in mail.outbox}
    decision = by_recipient["lakshmi@telecom.example"]
    assert devanagari(decision.subject)
    assert "No licence." in decision.body
    invitation = by_recipient["wei@shop-a.example"]
    assert han(invitation.subject)
    assert han(invitation.body)
    link = re.search(r"https?://\S+", invitation.body)[0]
    opened = Client().get(urlsplit(link).path)
    assert opened.status_code == 200
    assert 'name="new_password1"' in opened.content.decode()


class StubMailgun(BaseHTTPRequestHandler):
    """Mailgun's send endpoint as the worker meets it: down (503) for the first try of the
    message to Lakshmi, then taking messages; refusing (400) one for a bad address."""

    received: list = []
    taken = 0

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        form = parse_qs(self.rfile.read(length).decode())
        self.received.append(
            {"at": time.monotonic(), "form": form, "auth": self.headers["Authorization"]}
        )
        to = form.get("to", [""])[0]
        if "refused" in to:
            status, body = 400, {"message": "'to' parameter is not a valid address."}
        elif to == "lakshmi@telecom.example" and StubMailgun.taken == 0:
            StubMailgun.taken = 1
            status, body = 503, {"message": "Service Unavailable"}
        else:
            status, body = 200, {"id": f"<{len(self.received)}@mg.o2o.example>", "message": "ok"}
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_provider_that_is_down_gets_the_message_again_and_a_refused_one_is_not_resent():
    tenancy = build()
    brand = tenancy.sides[0][1]
    StubMailgun.received, StubMailgun.taken = [], 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), StubMailgun)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    worker = start_worker_process(
        O2O_MAIL_PROVIDER="mailgun",
        O2O_MAIL_API_KEY="key-test",
        O2O_MAIL_API_URL=f"http://127.0.0.1:{server.server_port}/v3",
        O2O_MAIL_SENDER_DOMAIN="mg.o2o.example",
    )
    try:
        Client().post(f"/partners/{brand.slug}/apply/", APPLICATION, HTTP_ACCEPT_LANGUAGE="hi")
        refused = {**APPLICATION, "outlet_name": "Other", "contact_email": "refused@x.example"}
        Client().post(f"/partners/{brand.slug}/apply/", refused)
        reviewer = login(tenancy, "x_manager")
        for application in OutletApplication.objects.order_by("pk"):
            reviewer.post(
                "/admin/outlets/outletapplication/",
                {"action": "reject", "_selected_action": [application.pk], "note": "No."},
            )
        deadline = time.monotonic() + 60
        ours = ("lakshmi@telecom.example", "refused@x.example")
        while sum(t["form"]["to"][0] in ours for t in StubMailgun.received) < 3:
            assert time.monotonic() < deadline, StubMailgun.received
            time.sleep(0.2)
        time.sleep(3)  # room for a wrong retry of the refused message to show
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
        server.shutdown()
    tries = StubMailgun.received
    to_lakshmi = [t for t in tries if t["form"]["to"] == ["lakshmi@telecom.example"]]
    to_refused = [t for t in tries if t["form"]["to"] == ["refused@x.example"]]
    assert len(to_refused) == 1  # a 400 is not tried again
    assert len(to_lakshmi) == 2  # the 503, then the one the provider took
    first, second = to_lakshmi
    assert first["form"] == second["form"]  # the same message, sent once it could be
    assert devanagari(second["form"]["subject"][0])  # in the applicant's language
    assert b64decode(second["auth"].split()[1]) == b"api:key-test"
