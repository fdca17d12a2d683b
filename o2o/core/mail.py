"""Plain e-mail, sent from Celery: headers made of one line whatever the text holds."""

from django.core.mail import send_mail

from .text import single_line


def send_plain_mail(*, subject, body, recipients):
    """Send one message; a subject with CR/LF (a business name, a product name) is folded
    to one line instead of raising BadHeaderError after the work was done."""
    recipients = sorted({single_line(address) for address in recipients if address})
    if not recipients:
        return 0
    return send_mail(single_line(subject)[:250], body, None, recipients)
