"""Forms that act for one of the user's brands."""

from django import forms
from django.utils.translation import gettext_lazy as _

from o2o.core.tenancy import tenancy_of

from .models import Brand


class BrandImportForm(forms.Form):
    """A brand and a CSV or XLSX file to import for it: only the brands whose `brand_ids`
    (a set of the user's tenancy: manager_brand_ids, onboarding_brand_ids) hold are offered."""

    brand_ids = "manager_brand_ids"
    brand = forms.ModelChoiceField(Brand.objects.none(), label=_("Brand"))
    file = forms.FileField(label=_("CSV or XLSX file"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        brands = Brand.objects.all()
        if not user.is_superuser:
            brands = brands.filter(pk__in=getattr(tenancy_of(user), self.brand_ids))
        self.fields["brand"].queryset = brands

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload
