from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from o2o.core.phones import LocalPhoneField, read_phone
from o2o.core.text import EMAIL_LENGTH
from o2o.locator.geocoding import locate_city, locate_postcode
from o2o.reservations.models import Reservation


class LocationForm(forms.Form):
    """Where the shopper is: a city name, a postcode, or coordinates from the browser."""

    city = forms.CharField(
        label=_("City or postcode"),
        max_length=120,
        required=False,
        widget=forms.TextInput(
            attrs={
                "placeholder": _("e.g. Pune, 上海, 411001"),
                "list": "city-suggestions",
                "autocomplete": "off",
            }
        ),
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        lat, lng, city = data.get("lat"), data.get("lng"), data.get("city")
        if lat is not None and lng is not None:
            data["place"] = (lat, lng, str(_("your location")))
        elif city:
            prefer = ("CN", "IN") if get_language().startswith("zh") else ("IN", "CN")
            place = locate_postcode(city, prefer=prefer) or locate_city(city)
            if place is None:
                raise forms.ValidationError(
                    _("We could not find a city or postcode called “%(city)s”."),
                    params={"city": city},
                )
            data["place"] = (place.latitude, place.longitude, place.name)
        elif not self.errors:
            raise forms.ValidationError(_("Enter a city or postcode, or use your location."))
        return data


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        max_length=80,
        required=False,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    price_min = forms.DecimalField(
        label=_("Price from"), min_value=0, required=False, max_digits=12, decimal_places=2
    )
    price_max = forms.DecimalField(
        label=_("Price up to"), min_value=0, required=False, max_digits=12, decimal_places=2
    )
    near = forms.BooleanField(label=_("In stock near me"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("name", _("Name")),
            ("price", _("Price: low to high")),
            ("-price", _("Price: high to low")),
            ("new", _("Newest")),
        ],
    )

    def __init__(self, *args, categories, facets, body_url, **kwargs):
        """`facets`: the attributes to filter by (the chosen category's, else the brand's),
        one choice field each, named by its code, labelled in the reader's language."""
        super().__init__(*args, **kwargs)
        any_choice = [("", _("Any"))]
        self.fields["category"].choices = any_choice + [(c.slug, c.name) for c in categories]
        # a new category brings its own attributes: the filters are fetched again with it
        self.fields["category"].widget.attrs.update(
            {
                "hx-get": body_url,
                "hx-target": "#catalogue-body",
                "hx-swap": "outerHTML",
                "hx-include": "closest form",
                "hx-trigger": "change consume",
                "hx-push-url": "true",
            }
        )
        self.attribute_codes = []
        for facet in facets:
            attribute = facet.attribute
            self.fields[attribute.code] = forms.ChoiceField(
                label=attribute.label_in(),
                required=False,
                choices=any_choice + [(v, attribute.show(v)) for v in facet.values],
            )
            self.attribute_codes.append(attribute.code)
        self.order_fields(["q", "category", *self.attribute_codes])

    def attribute_fields(self):
        return [self[code] for code in self.attribute_codes]

    def chosen_attributes(self) -> dict[str, str]:
        data = getattr(self, "cleaned_data", {})
        return {code: data[code] for code in self.attribute_codes if data.get(code)}

    def clean(self):
        data = super().clean()
        low, high = data.get("price_min"), data.get("price_max")
        if low is not None and high is not None and low > high:
            self.add_error("price_max", _("The highest price is below the lowest."))
        return data


class ReservationForm(forms.Form):
    shopper_name = forms.CharField(label=_("Your name"), max_length=120)
    shopper_email = forms.EmailField(max_length=EMAIL_LENGTH, label=_("E-mail"))
    shopper_phone = LocalPhoneField(label=_("Phone"))
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, initial=1)
    fulfilment = forms.ChoiceField(
        label=_("How do you want it?"),
        choices=Reservation.Fulfilment.choices,
        initial=Reservation.Fulfilment.COLLECT,
        required=False,
        widget=forms.RadioSelect,
    )
    delivery_address = forms.CharField(
        label=_("Delivery address"),
        max_length=255,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    delivery_postcode = forms.CharField(
        label=_("Postcode of the delivery address"),
        max_length=16,
        required=False,
        help_text=_("Or place a pin on the map, or use your device's location."),
    )
    delivery_lat = forms.FloatField(
        required=False, min_value=-90, max_value=90, widget=forms.HiddenInput
    )
    delivery_lng = forms.FloatField(
        required=False, min_value=-180, max_value=180, widget=forms.HiddenInput
    )

    delivery_fields = ("delivery_address", "delivery_postcode", "delivery_lat", "delivery_lng")

    def __init__(self, *args, outlet, max_units, **kwargs):
        super().__init__(*args, **kwargs)
        self.country = str(outlet.country)
        self.fields["shopper_phone"].widget.region = self.country
        self.fields["quantity"] = forms.IntegerField(
            label=_("Quantity"), min_value=1, max_value=max_units, initial=1
        )
        self.collect_only = not outlet.delivery_radius_km
        if self.collect_only:  # nothing to choose and no address to ask (a posted
            # "delivery" is still refused by the one remaining choice)
            self.fields["fulfilment"].choices = [
                c for c in Reservation.Fulfilment.choices if c[0] != "delivery"
            ]
            self.fields["fulfilment"].widget = forms.HiddenInput()
            for name in self.delivery_fields:
                del self.fields[name]

    def clean(self):
        """For a delivery, `delivery_point` is where the parcel goes: the pin (placed on
        the map or the device's location, confirmed) or else the postcode's centre."""
        data = super().clean()
        read_phone(self, "shopper_phone", country=self.country)
        data["fulfilment"] = data.get("fulfilment") or Reservation.Fulfilment.COLLECT
        pin = (data.pop("delivery_lat", None), data.pop("delivery_lng", None))
        postcode = (data.pop("delivery_postcode", "") or "").strip()
        data["delivery_point"] = None
        if data["fulfilment"] != Reservation.Fulfilment.DELIVERY:
            return data
        if not (data.get("delivery_address") or "").strip():
            self.add_error("delivery_address", _("Enter the address to deliver to."))
        if None not in pin:
            data["delivery_point"] = pin
        elif postcode:
            place = locate_postcode(postcode)
            if place is None:
                self.add_error("delivery_postcode", _("We do not know this postcode."))
            else:
                data["delivery_point"] = (place.latitude, place.longitude)
        else:
            self.add_error(
                "delivery_postcode",
                _("Give the postcode of the delivery address, or place a pin on the map."),
            )
        return data


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Reservation code"), max_length=16)
    email = forms.EmailField(max_length=EMAIL_LENGTH, label=_("E-mail used for the reservation"))


class BackInStockForm(forms.Form):
    email = forms.EmailField(max_length=EMAIL_LENGTH, label=_("Your e-mail"))


class SignupForm(forms.Form):
    email = forms.EmailField(max_length=EMAIL_LENGTH, label=_("E-mail"))
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput, min_length=10, strip=False
    )


class LaunchReserveForm(forms.Form):
    """An admitted shopper's reservation: a variant of the launched product at one of the
    shops that still have units put aside, within the units the ticket holds."""

    variant = forms.TypedChoiceField(label=_("Model"), coerce=int)
    outlet = forms.ChoiceField(label=_("Shop"))
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, initial=1)
    shopper_name = forms.CharField(label=_("Your name"), max_length=120)
    shopper_phone = forms.CharField(label=_("Phone"), max_length=32)

    def __init__(self, *args, variants, shops, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["variant"].choices = [(v.pk, str(v)) for v in variants]
        self.fields["outlet"].choices = [
            (shop.code, f"{shop.name}, {shop.city} ({shop.left})") for shop in shops
        ]
        self.fields["quantity"] = forms.IntegerField(
            label=_("Quantity"), min_value=1, max_value=max(units, 1), initial=1
        )
        self.order_fields(["variant", "outlet", "quantity", "shopper_name", "shopper_phone"])
