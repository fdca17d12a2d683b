"""SMS through a pluggable backend (settings.O2O_SMS_BACKEND); the default only logs."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)
outbox = []  # what LocmemBackend sent, for tests


class LogBackend:
    """Writes the message to the log: no gateway needed in development."""

    def send(self, to, body):
        logger.info("SMS to %s: %s", to, body)
        return True


class LocmemBackend:
    """Keeps messages in `outbox` (tests)."""

    def send(self, to, body):
        outbox.append((to, body))
        return True


def send_sms(to, body):
    return import_string(settings.O2O_SMS_BACKEND)().send(to, body)
