"""Phone numbers and countries, read the way the country writes them (django-phonenumber-field,
django-countries): stored in E.164, shown in the national form, checked per country."""

from __future__ import annotations

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from phonenumber_field.phonenumber import PhoneNumber, to_python
from phonenumber_field.widgets import RegionalPhoneNumberWidget


def example_for(country: str | None) -> str:
    """A number of `country` as its people write it, for an error message ("081234 56789")."""
    example = phonenumbers.example_number(country) if country else None
    if example is None:
        return "+91 81234 56789"
    return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)


def phone_in(raw: str | PhoneNumber, *, country: str | None) -> PhoneNumber:
    """`raw` read as a phone number of `country` (a number given with + keeps its own
    country). ValidationError (code "invalid_phone") when it is not a number there."""
    if isinstance(raw, PhoneNumber):
        raw = raw.raw_input or str(raw)
    number = to_python((raw or "").strip(), region=(country or "").upper() or None)
    if not isinstance(number, PhoneNumber) or not number.is_valid():
        raise ValidationError(
            _("Enter a phone number of %(country)s, e.g. %(example)s, or one starting with +."),
            code="invalid_phone",
            params={"country": _country_name(country), "example": example_for(country)},
        )
    return number


def country_code(raw: str) -> str:
    """The ISO 3166-1 alpha-2 code of `raw` (a code in any case, an alpha-3 or numeric code,
    or an English name); "" when it names no country."""
    text = (raw or "").strip()
    if not text:
        return ""
    return countries.alpha2(text) or countries.by_name(text) or ""


def check_phone(instance, field: str, *, country_field: str = "country") -> None:
    """For a model's clean(): its phone `field` read in the record's own country and kept in
    E.164; a ValidationError on `field` when it is not a number there."""
    value = getattr(instance, field)
    if not value:
        return
    try:
        number = phone_in(value, country=str(getattr(instance, country_field) or ""))
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc
    setattr(instance, field, number)


class LocalPhoneField(forms.CharField):
    """A phone number typed the way its country writes it. The field keeps the text (a tel
    keyboard, the national form when shown); the form or the model's clean() reads it in the
    country the record names (`phone_in`), so "020 1234 5678" can be a Chinese shop's."""

    widget = RegionalPhoneNumberWidget

    def __init__(self, *, region=None, choices_form_class=None, **kwargs):
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)
        self.widget.region = region
        self.widget.input_type = "tel"

    def prepare_value(self, value):
        if isinstance(value, PhoneNumber) and not value.is_valid():
            return value.raw_input
        return value


def read_phone(form, field: str, *, country: str | None) -> None:
    """In a form's clean(): the text of `field` read in `country`, kept as a PhoneNumber; a
    form error on `field` when it is not a number there."""
    raw = form.cleaned_data.get(field)
    if not raw:
        return
    try:
        form.cleaned_data[field] = phone_in(raw, country=country)
    except ValidationError as exc:
        form.add_error(field, exc)


def _country_name(country: str | None) -> str:
    return str(countries.name(country)) if country and countries.name(country) else "?"
