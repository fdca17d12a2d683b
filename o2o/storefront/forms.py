from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from o2o.locator.geocoding import locate_city


class LocationForm(forms.Form):
    """Where the shopper is: a city name, or coordinates from the browser."""

    city = forms.CharField(
        label=_("City"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Pune, 上海")}),
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        lat, lng, city = data.get("lat"), data.get("lng"), data.get("city")
        if lat is not None and lng is not None:
            data["place"] = (lat, lng, _("your location"))
        elif city:
            place = locate_city(city)
            if place is None:
                raise forms.ValidationError(
                    _("We could not find a city called “%(city)s”."), params={"city": city}
                )
            data["place"] = (place.latitude, place.longitude, place.name)
        elif not self.errors:
            raise forms.ValidationError(_("Enter a city, or use your location."))
        return data


class ReservationForm(forms.Form):
    shopper_name = forms.CharField(label=_("Your name"), max_length=120)
    shopper_email = forms.EmailField(label=_("E-mail"))
    shopper_phone = forms.RegexField(
        label=_("Phone"),
        max_length=32,
        regex=r"^\+?[0-9 ()-]{6,31}$",
        error_messages={"invalid": _("Enter a phone number (digits, spaces, + - and brackets).")},
    )
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=1,
        max_value=settings.O2O_MAX_UNITS_PER_RESERVATION,
        initial=1,
    )


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Reservation code"), max_length=16)
    email = forms.EmailField(label=_("E-mail used for the reservation"))


class BackInStockForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail"))
