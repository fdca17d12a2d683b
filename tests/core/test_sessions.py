"""Sessions live where docs/deploy.md says: in Redis, written through to the database, so
any web node serves a signed-in user and a sign-in outlives the cache (the database alone
on the embedded default)."""

import pytest
from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import cache

from o2o.core.models import User

PASSWORD = "right-pass-2026"


def sign_in(client):
    User.objects.create_user("owner", "o@example.com", PASSWORD, is_staff=True)
    answer = client.post("/admin/login/?next=/admin/", {"username": "owner", "password": PASSWORD})
    assert answer.status_code == 302
    return client.cookies["sessionid"].value


def test_a_sign_in_is_kept_in_the_database_and_outlives_the_cache(client, db):
    key = sign_in(client)
    assert Session.objects.filter(session_key=key).exists()
    cache.clear()  # Redis restarted, or a web node whose cache never saw this session
    assert client.get("/admin/").status_code == 200


@pytest.mark.redis
def test_with_redis_a_session_is_read_from_it(client, db):
    key = sign_in(client)
    assert cache.get(SessionStore(session_key=key).cache_key) is not None
