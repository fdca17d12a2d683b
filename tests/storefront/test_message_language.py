"""Messages reach the shopper in the language the reservation was made in (subject, body
and SMS), whichever language the worker runs in."""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from tests.factories import api_reservation
from tests.security.test_hardening import SHOPPER


@pytest.mark.parametrize(
    ("language", "greeting", "subject_word"),
    [("hi", "नमस्ते", "आरक्षण"), ("zh-hans", "您好", "预订"), ("en", "Hello", "Reservation")],
)
def test_the_reservation_mail_is_in_the_shoppers_language(
    client, world, django_capture_on_commit_callbacks, settings, language, greeting, subject_word
):
    from o2o.notifications import sms

    settings.O2O_SMS_BACKEND = "o2o.notifications.sms.LocmemBackend"
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/reserve/pune-1/{world.variant.pk}/", SHOPPER, HTTP_ACCEPT_LANGUAGE=language
        )
    assert response.status_code == 302
    sent = mail.outbox[-1]
    assert subject_word in sent.subject
    assert greeting in sent.body
    _to, text = sms.outbox[-1]
    assert text
    assert language == "en" or not text.isascii()


def test_the_api_reservation_keeps_the_callers_language(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = APIClient().post(
            "/api/v1/reservations/",
            api_reservation(world),
            format="json",
            HTTP_ACCEPT_LANGUAGE="hi",
        )
    assert response.status_code == 201
    assert "नमस्ते" in mail.outbox[-1].body


def test_back_in_stock_mail_is_in_the_language_it_was_asked_in(
    client, world, pos, mailoutbox, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from o2o.inventory.models import StockLevel

    StockLevel.objects.filter(pk=world.level.pk).update(on_hand=0)
    client.get(f"/aurora/aurora-12/?variant={world.variant.pk}&city=Pune")
    client.post(
        f"/notify/{world.variant.pk}/", {"email": "priya@example.com"}, HTTP_ACCEPT_LANGUAGE="hi"
    )
    with django_capture_on_commit_callbacks(execute=True):
        pos.post(
            "/api/v1/outlets/pune-1/stock/",
            {
                "as_of": (timezone.now() - timedelta(minutes=1)).isoformat(),
                "items": [{"sku": world.variant.sku, "on_hand": 2}],
            },
            format="json",
        )
    sent = mailoutbox[-1]
    assert "Back in stock" not in sent.subject
    assert not sent.subject.isascii()
