"""Form fields shared by the apps' forms."""

from django import forms

from .text import single_line


class SingleLineField(forms.CharField):
    """A name, an address line, an id: CR, LF and other control characters become spaces,
    so the value is safe in mail headers, CSV cells and log lines."""

    def to_python(self, value):
        return single_line(super().to_python(value))
