"""Form fields shared by the admin and the imports."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import hours


class WeeklyHoursField(forms.CharField):
    """The weekly hours typed as text ("Mon-Sat 10:00-21:00; Sun closed"), stored as JSON."""

    widget = forms.Textarea(attrs={"rows": 2, "cols": 50})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _(
                "For example “Mon-Sat 10:00-21:00; Sun 11:00-19:00”. Days left out are closed; "
                "a period closing after midnight, like 18:00-02:00, runs into the next day."
            ),
        )
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            try:
                return hours.WeeklyHours.from_json(value).describe_plain()
            except (hours.HoursError, TypeError, ValueError):
                return ""
        return value

    def to_python(self, value):
        text = super().to_python(value)
        try:
            return hours.parse(text).to_json()
        except hours.HoursError as exc:
            raise ValidationError(str(exc), code="hours") from exc

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != (initial or [])
        except ValidationError:
            return True
