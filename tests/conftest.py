"""Service markers: a test that needs PostgreSQL, Redis or Chromium is skipped where the
service is missing, except under CI, where it fails instead."""

import os
import shutil

import pytest
from django.conf import settings
from django.db import connection

from o2o.celery import app as celery_app


def _missing(reason):
    if os.environ.get("CI"):
        pytest.fail(f"CI is set and {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        _missing("this test needs PostgreSQL: set DATABASE_URL=postgres://...")
    if item.get_closest_marker("redis") and not settings.REDIS_URL:
        _missing("this test needs Redis and a real worker: set REDIS_URL=redis://...")
    if item.get_closest_marker("e2e") and not shutil.which("chromium"):
        _missing("this test needs Chromium (/usr/bin/chromium)")
    if item.get_closest_marker("replica") and not settings.O2O_READ_REPLICAS:
        _missing("this test needs a streaming replica: set DATABASE_REPLICA_URLS (.ci/replica)")


@pytest.fixture(autouse=True)
def _replicas_only_where_asked(request, settings):
    """Reads go to replicas only in the tests about them: elsewhere a test's data lives in
    its own uncommitted transaction, which no replica can see."""
    if request.node.get_closest_marker("replica") is None:
        settings.O2O_READ_REPLICAS = []


@pytest.fixture(autouse=True)
def _language_of_the_test():
    """Every test starts in the site's language: a request in Hindi leaves Hindi active in
    its thread (LocaleMiddleware activates it and nothing turns it off), which changed the
    messages a later test read, depending on the order."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _celery_mode(request, settings, tmp_path):
    """Eager Celery unless the test brings a real worker; mail stays in memory."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.VAR_DIR = tmp_path / "var"  # heartbeats and other run-time files, per test
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast
    from django.core.cache import cache

    cache.clear()  # throttle counters never leak from one test into another
    from o2o.core import outbox

    outbox._nudged.clear()  # a nudge sent to another test's broker covers nothing here
    eager = request.node.get_closest_marker("redis") is None
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _login_with_a_request(monkeypatch):
    """django-axes needs the request to count a sign-in by (username, address): the test
    client's login() passes none, so it gets one from 127.0.0.1, as a browser would."""
    from django.http import HttpRequest
    from django.test.client import Client

    original = Client.login

    def login(self, **credentials):
        request = HttpRequest()
        request.META["REMOTE_ADDR"] = "127.0.0.1"
        credentials.setdefault("request", request)
        return original(self, **credentials)

    monkeypatch.setattr(Client, "login", login)


@pytest.fixture
def world(db):
    from tests.factories import make_world

    return make_world()


@pytest.fixture
def pos(world):
    """An API client authenticated as the world's retailer's POS."""
    from rest_framework.test import APIClient

    from o2o.inventory.integrations import create_integration

    _integration, token = create_integration(retailer=world.outlet.retailer, name="POS")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client
