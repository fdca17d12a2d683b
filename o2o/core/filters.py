"""django-filter pieces for query strings: timestamps go through the same checks as pushes."""

import django_filters
from django import forms

from .timestamps import BadTimestamp, parse_timestamp


class TimestampField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_timestamp(value, name="timestamp", future_ok=True)
        except BadTimestamp as exc:
            raise forms.ValidationError(str(exc)) from exc


class TimestampFilter(django_filters.Filter):
    """An ISO 8601 date-time with a zone; impossible dates and offsets are a 400."""

    field_class = TimestampField
