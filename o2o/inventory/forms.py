from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from o2o.outlets.models import Outlet, Retailer
from o2o.outlets.selectors import retailers_acted_for

from . import services


class StockFileUploadForm(forms.Form):
    """A stock count file for one outlet, or for several outlets with an outlet column."""

    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV or XLSX: columns sku (or gtin), on_hand, and outlet for several shops"),
    )
    retailer = forms.ModelChoiceField(Retailer.objects.none(), label=_("Retailer"))
    outlet = forms.ModelChoiceField(
        Outlet.objects.none(),
        label=_("Outlet"),
        required=False,
        help_text=_("Only for a file of one shop without an outlet column."),
    )
    as_of = forms.DateTimeField(label=_("Counted at"), initial=timezone.now)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        retailers = Retailer.objects.filter(pk__in=retailers_acted_for(user))
        self.fields["retailer"].queryset = retailers
        self.fields["outlet"].queryset = Outlet.objects.filter(retailer__in=retailers)

    def clean(self):
        data = super().clean()
        outlet, retailer = data.get("outlet"), data.get("retailer")
        if outlet and retailer and outlet.retailer_id != retailer.pk:
            self.add_error("outlet", _("This outlet belongs to another retailer."))
        return data

    def queue(self, *, user):
        data = self.cleaned_data
        return services.queue_file(
            uploaded=data["file"],
            as_of=data["as_of"],
            retailer=data["retailer"],
            outlet=data.get("outlet"),
            user=user,
        )
