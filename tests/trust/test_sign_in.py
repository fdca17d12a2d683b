"""Client identity and sign-in: one client-IP rule behind a trusted proxy count; a lockout
binds a username to the address that failed, so nobody can lock a shop owner out from
elsewhere; password spraying from one address is slowed; staff can unlock."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from o2o.core.models import User

PASSWORD = "right-pass-2026"


@pytest.fixture
def owner(db):
    return User.objects.create_user("owner", "o@example.com", PASSWORD, is_staff=True)


def fail(client, username="owner", times=1, **extra):
    for _ in range(times):
        client.post("/admin/login/", {"username": username, "password": "wrong"}, **extra)


def sign_in(client, **extra):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "owner", "password": PASSWORD}, **extra
    )
    return response.status_code == 302


def test_failures_from_one_address_do_not_lock_the_owner_out_elsewhere(owner, settings):
    settings.AXES_FAILURE_LIMIT = 3
    attacker, shop = Client(REMOTE_ADDR="203.0.113.9"), Client(REMOTE_ADDR="198.51.100.7")
    fail(attacker, times=5)
    assert not sign_in(attacker)  # locked from the attacker's address...
    assert sign_in(shop)  # ...never from the owner's


def test_lockout_events_are_visible_and_staff_unlock(owner, settings):
    from axes.models import AccessAttempt, AccessFailureLog

    settings.AXES_FAILURE_LIMIT = 2
    client = Client(REMOTE_ADDR="203.0.113.9")
    fail(client, times=2)
    assert not sign_in(client)
    assert AccessAttempt.objects.filter(username="owner", ip_address="203.0.113.9").exists()
    assert AccessFailureLog.objects.filter(username="owner").count() >= 2
    root = User.objects.create_superuser("root", "r@example.com", "root-pass-2026")
    admin = Client()
    admin.force_login(root)
    page = admin.get("/admin/axes/accessattempt/")
    assert page.status_code == 200
    assert "203.0.113.9" in page.content.decode()
    attempt = AccessAttempt.objects.get(username="owner")
    admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert sign_in(client)


def test_password_spraying_from_one_address_is_slowed(owner, settings):
    settings.O2O_LOGIN_MAX_FAILURES_PER_IP = 4
    sprayer = Client(REMOTE_ADDR="203.0.113.50")
    for name in ("a", "b", "c", "d"):
        fail(sprayer, username=name)
    assert not sign_in(sprayer)  # even the right password, from that address
    assert sign_in(Client(REMOTE_ADDR="198.51.100.7"))


def test_a_forged_forwarded_for_is_ignored_without_a_proxy(owner, settings):
    settings.AXES_FAILURE_LIMIT = 2
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(4):
        fail(client, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    assert not sign_in(client, HTTP_X_FORWARDED_FOR="10.9.9.9")


def test_behind_one_proxy_the_client_is_the_address_the_proxy_saw(owner, settings):
    settings.O2O_TRUSTED_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 2
    proxy = "10.0.0.1"
    attacker = {"REMOTE_ADDR": proxy, "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.9"}
    for forged in ("5.5.5.5", "6.6.6.6", "7.7.7.7"):
        fail(Client(), **{**attacker, "HTTP_X_FORWARDED_FOR": f"{forged}, 203.0.113.9"})
    assert not sign_in(Client(), **attacker)
    assert sign_in(Client(), REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")


@pytest.mark.parametrize("proxies", [0, 1])
def test_the_shopper_throttle_cannot_be_dodged_with_fresh_headers(world, settings, proxies):
    settings.O2O_TRUSTED_PROXY_COUNT = proxies
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}
    from rest_framework.settings import api_settings

    api_settings.reload()
    from o2o.core.api_views import ShopperThrottle

    ShopperThrottle.THROTTLE_RATES = {"shopper": "3/min"}
    try:
        client = APIClient(REMOTE_ADDR="10.0.0.1" if proxies else "203.0.113.9")
        codes = []
        for n in range(8):
            forwarded = f"9.9.9.{n}, 203.0.113.9" if proxies else f"9.9.9.{n}"
            codes.append(client.get("/api/v1/brands/", HTTP_X_FORWARDED_FOR=forwarded).status_code)
        assert codes[:3] == [200] * 3
        assert set(codes[3:]) == {429}
        # and another shopper behind the same proxy is not throttled with them
        other = "198.51.100.7" if proxies else None
        if other:
            assert client.get("/api/v1/brands/", HTTP_X_FORWARDED_FOR=other).status_code == 200
    finally:
        ShopperThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES


def test_reservation_limits_key_on_the_client_behind_the_proxy(world, settings):
    from tests.security.test_hardening import SHOPPER

    settings.O2O_TRUSTED_PROXY_COUNT = 1
    settings.O2O_RESERVATIONS_PER_IP = 2
    settings.O2O_RESERVATIONS_PER_EMAIL = 100
    url = f"/reserve/pune-1/{world.variant.pk}/"
    behind = {"REMOTE_ADDR": "10.0.0.1"}
    first = Client(**behind, HTTP_X_FORWARDED_FOR="203.0.113.9")
    codes = [
        first.post(url, {**SHOPPER, "shopper_email": f"s{n}@example.com"}).status_code
        for n in range(3)
    ]
    assert codes[:2] == [302, 302]
    assert codes[2] != 302
    second = Client(**behind, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert second.post(url, {**SHOPPER, "shopper_email": "x@example.com"}).status_code == 302


def test_metrics_answer_only_the_monitoring_network_or_its_token(db, settings):
    settings.O2O_METRICS_ALLOWED_NETWORKS = ["10.1.0.0/16"]
    settings.O2O_METRICS_TOKEN = "scrape-secret"
    public = Client(REMOTE_ADDR="203.0.113.9")
    refused = public.get("/metrics")
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"
    assert public.get("/metrics", HTTP_X_FORWARDED_FOR="10.1.2.3").status_code == 403
    assert public.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    scraped = public.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret")
    assert scraped.status_code == 200
    assert "o2o_" in scraped.content.decode()
    assert Client(REMOTE_ADDR="10.1.7.7").get("/metrics").status_code == 200


def test_the_language_cookie_is_secure_in_production():
    import subprocess
    import sys

    code = "from django.conf import settings; print(settings.LANGUAGE_COOKIE_SECURE)"
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={
            "DJANGO_SETTINGS_MODULE": "o2o.settings",
            "DJANGO_DEBUG": "false",
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "True"
