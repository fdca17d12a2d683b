"""A stored phone number (E.164) shown as its country writes it, and linked for dialling."""

from django import template
from django.utils.html import format_html
from phonenumber_field.phonenumber import PhoneNumber, to_python
from phonenumbers import region_code_for_number

register = template.Library()


@register.simple_tag
def phone_link(number, country: str = "") -> str:
    """<a href="tel:+91-20-2612-3456">020 2612 3456</a>: the national form, or the
    international one for a number of another country than `country` (when given); an
    unreadable number as it was written."""
    if not number:
        return ""
    number = number if isinstance(number, PhoneNumber) else to_python(str(number))
    if not number.is_valid():
        return format_html("<span>{}</span>", number.raw_input or str(number))
    abroad = country and region_code_for_number(number) != str(country).upper()
    shown = number.as_international if abroad else number.as_national
    return format_html('<a href="{}">{}</a>', number.as_rfc3966, shown)
