"""Handing a message to the mail provider or the SMS gateway, and which failures are worth
another try: a lost connection, a timeout, a provider's 5xx or 429. A refused message (a
4xx: a bad address, a wrong key) raises at once: sending it again would not help."""

from anymail.exceptions import AnymailAPIError

from o2o.core.mail import send_plain_mail

from .sms import send_sms


class TransientDeliveryError(Exception):
    """The provider could not take the message now; Celery tries again later."""


class DeliveryRefused(Exception):
    """The provider refused the message for good (anymail's error is an OSError too, so it
    is raised as this instead, which no task retries)."""


TRANSIENT = (OSError, TransientDeliveryError)


def deliver_mail(*, subject: str, body: str, recipients: list[str]) -> int:
    try:
        return send_plain_mail(subject=subject, body=body, recipients=recipients)
    except AnymailAPIError as exc:
        status = getattr(exc, "status_code", None)
        if status is None or status == 429 or status >= 500:
            raise TransientDeliveryError(str(exc)) from exc
        raise DeliveryRefused(str(exc)) from exc


def deliver_sms(*, to: str, body: str):
    return send_sms(to, body)
