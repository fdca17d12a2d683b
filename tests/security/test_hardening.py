"""CSP, sign-in lockout, reservation throttles, personal data erasure."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from o2o.core.models import User
from o2o.reservations import services
from o2o.reservations.models import Reservation
from o2o.reservations.tasks import anonymise_old_reservations_task

SHOPPER = {
    "shopper_name": "Priya",
    "shopper_email": "priya@example.com",
    "shopper_phone": "+91 98123 45678",
    "quantity": "1",
}


def test_pages_send_a_strict_content_security_policy(client, world):
    for path in ("/", "/aurora/aurora-12/", "/admin/login/", "/api/docs/"):
        policy = client.get(path)["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in policy


def test_templates_carry_no_inline_scripts():
    import re
    from pathlib import Path

    for template in Path("templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"\son[a-z]+=\"", text), template  # no onclick= handlers
        for script in re.findall(r"<script([^>]*)>", text):
            data_block = re.search(r'type="application/(ld\+)?json"', script)  # never run
            assert "src=" in script or data_block, template


def test_sign_in_is_locked_after_repeated_failures(db, settings):
    settings.AXES_FAILURE_LIMIT = 3
    User.objects.create_user("owner", "o@example.com", "right-pass-2026", is_staff=True)
    client = Client()
    for _ in range(3):
        client.post("/admin/login/", {"username": "owner", "password": "wrong"})
    assert not client.login(username="owner", password="right-pass-2026")  # locked
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "owner", "password": "right-pass-2026"}
    )
    assert response.status_code == 429  # the lockout page, not a redirect into the admin
    assert "Too many failed sign-ins" in response.content.decode()


def test_reservations_are_throttled_per_email(client, world, settings):
    settings.O2O_RESERVATIONS_PER_EMAIL = 2
    url = f"/reserve/pune-1/{world.variant.pk}/"
    assert client.post(url, SHOPPER).status_code == 302
    assert client.post(url, SHOPPER).status_code == 302
    third = client.post(url, SHOPPER)
    assert third.status_code == 400
    assert "Too many attempts" in third.content.decode()
    assert Reservation.objects.count() == 2
    other = client.post(url, {**SHOPPER, "shopper_email": "someone@example.com"})
    assert other.status_code == 302


def test_personal_data_is_anonymised_after_the_retention(world, settings):
    settings.O2O_PERSONAL_DATA_DAYS = 30
    shopper = {k: v for k, v in SHOPPER.items() if k != "quantity"}
    old = services.reserve(outlet=world.outlet, variant=world.variant, quantity=1, **shopper)
    services.cancel(reservation_id=old.pk)
    recent = services.reserve(outlet=world.outlet, variant=world.variant, quantity=1, **shopper)
    services.cancel(reservation_id=recent.pk)
    Reservation.objects.filter(pk=old.pk).update(closed_at=timezone.now() - timedelta(days=31))
    assert anonymise_old_reservations_task.delay().get() == 1
    old.refresh_from_db()
    assert (old.shopper_name, old.shopper_phone) == ("", "")
    assert old.shopper_email == f"reservation-{old.pk}@anonymised.invalid"
    assert Reservation.objects.get(pk=recent.pk).shopper_email == "priya@example.com"
    assert anonymise_old_reservations_task.delay().get() == 0
