"""django-filter pieces for query strings: timestamps go through the same checks as pushes."""

import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field

from .timestamps import BadTimestamp, parse_timestamp

NO_NUL = {"type": "string", "pattern": "^[^\\x00]*$"}


@extend_schema_field(NO_NUL)
class TextFilter(django_filters.CharFilter):
    """A text filter; the schema says what Django's forms refuse (a NUL character)."""


class TimestampField(forms.CharField):
    """Any real instant (a filter bound, not a count: no range of years), passed to the
    database in UTC whatever offset it was written with."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_timestamp(value, name="timestamp", future_ok=True, bounded=False)
        except BadTimestamp as exc:
            raise forms.ValidationError(str(exc)) from exc


class TimestampFilter(django_filters.Filter):
    """An ISO 8601 date-time with a zone; impossible dates and offsets are a 400."""

    field_class = TimestampField


class StrictFilterSet(django_filters.FilterSet):
    """A filter given in the query string must hold a value it understands: an empty value
    for a typed filter (a choice, a boolean, a timestamp), or a boolean that is neither true
    nor false, is a 400 rather than silently ignored (the schema promises that type). An
    empty text filter is no filter, as the schema allows."""

    BOOLEANS = ("true", "false")

    def is_valid(self):
        valid = super().is_valid()
        for name, filter_ in self.filters.items():
            if name not in self.data:
                continue
            raw = self.data.get(name)
            if raw == "" and not isinstance(filter_, django_filters.CharFilter):
                self.form.add_error(name, "may not be empty")
                valid = False
            elif isinstance(filter_, django_filters.BooleanFilter) and raw not in self.BOOLEANS:
                self.form.add_error(name, "must be true or false")
                valid = False
        return valid
