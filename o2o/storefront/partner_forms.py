from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from o2o.core.forms import SingleLineField
from o2o.core.phones import LocalPhoneField, read_phone
from o2o.core.text import EMAIL_LENGTH
from o2o.locator.geocoding import locate_city


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class PartnerApplicationForm(forms.Form):
    business_name = SingleLineField(label=_("Business name"), max_length=160)
    outlet_name = SingleLineField(label=_("Shop name"), max_length=160)
    contact_name = SingleLineField(label=_("Your name"), max_length=120)
    contact_email = forms.EmailField(max_length=EMAIL_LENGTH, label=_("E-mail"))
    phone = LocalPhoneField(label=_("Phone"))
    tax_id = SingleLineField(label=_("Tax id (GSTIN / USCC)"), max_length=32, required=False)
    address = SingleLineField(label=_("Address"), max_length=255)
    city = SingleLineField(label=_("City"), max_length=120)
    postcode = SingleLineField(label=_("Postcode"), max_length=16, required=False)
    country = LazyTypedChoiceField(label=_("Country"), choices=countries, initial="IN")
    latitude = forms.FloatField(
        label=_("Latitude"),
        min_value=-90,
        max_value=90,
        required=False,
        help_text=_("Click the map, or leave empty to use the city's centre."),
    )
    longitude = forms.FloatField(
        label=_("Longitude"), min_value=-180, max_value=180, required=False
    )
    documents = MultipleFileField(
        label=_("Documents (PDF, JPEG or PNG, 5 MB each)"), required=False
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the brand checks these details and contacts me about the partnership."
        )
    )

    def clean(self):
        data = super().clean()
        read_phone(self, "phone", country=data.get("country"))
        if data.get("latitude") is None or data.get("longitude") is None:
            place = locate_city(data.get("city") or "")
            if place is None:
                raise forms.ValidationError(
                    _(
                        "Pick the shop on the map or type its coordinates: we could not find "
                        "the city."
                    )
                )
            data["latitude"], data["longitude"] = place.latitude, place.longitude
        return data
