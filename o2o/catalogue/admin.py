from django import forms
from django.contrib import admin, messages
from django.db import models
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from o2o.brands.forms import BrandImportForm
from o2o.brands.selectors import brands_visible_to
from o2o.core.admin_imports import PreviewedImportAdmin
from o2o.core.admin_tenancy import TenantAdmin, TenantInline
from o2o.core.errors import DomainError

from . import services, sheets
from .models import (
    Attribute,
    CatalogueChange,
    CatalogueImport,
    Category,
    EShop,
    EShopListing,
    Product,
    ProductImage,
    Variant,
)
from .selectors import (
    categories_visible_to,
    changes_visible_to,
    eshops_visible_to,
    imports_visible_to,
    products_visible_to,
    variants_visible_to,
)

CATALOGUE_GRANTS = {"brand": {"view"}, "brand_manager": {"view", "add", "change", "delete"}}


class AttributeInline(TenantInline):
    """The category's variant attributes: code, label (and its translations), unit, order."""

    model = Attribute
    extra = 1
    fields = ["position", "code", "label", "labels", "unit"]
    grants = CATALOGUE_GRANTS


@admin.register(Category)
class CategoryAdmin(TenantAdmin):
    scope = staticmethod(categories_visible_to)
    grants = CATALOGUE_GRANTS
    list_display = ["name", "brand"]
    list_filter = ["brand"]
    search_fields = ["name"]
    list_select_related = ["brand"]
    inlines = [AttributeInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.refresh_versions(category_id=form.instance.pk)  # order, units may change


VARIANT_FIELDS = [name for name in services.AUDITED[Variant] if name != "attributes"]


class VariantForm(forms.ModelForm):
    """A variant with one field per attribute of its product's category (variant_form_for
    makes the class for a category); the values are kept in `Variant.attributes`."""

    codes: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        values = self.instance.attributes or {}
        for code in self.codes:
            self.fields[f"attr_{code}"].initial = values.get(code, "")

    def clean(self):
        data = super().clean()
        values = dict(self.instance.attributes or {})
        for code in self.codes:
            value = (data.get(f"attr_{code}") or "").strip()
            if value:
                values[code] = value
            else:
                values.pop(code, None)
        self.instance.attributes = values
        return data


def variant_form_for(category):
    """The variant form with the attribute fields of `category`, in their order."""
    attributes = category.attribute_list() if category is not None else []
    declared = {
        f"attr_{a.code}": forms.CharField(
            label=a.label_in(), max_length=60, required=False, help_text=a.unit
        )
        for a in attributes
    }
    declared["codes"] = tuple(a.code for a in attributes)
    return type("CategoryVariantForm", (VariantForm,), declared)


class VariantInline(TenantInline):
    """The product's variants, with its category's attributes as columns."""

    model = Variant
    extra = 0
    fields = VARIANT_FIELDS
    grants = CATALOGUE_GRANTS

    def _category(self, obj):
        return obj.category if obj is not None else None

    def get_fields(self, request, obj=None):
        category = self._category(obj)
        codes = [a.code for a in category.attribute_list()] if category else []
        return [*VARIANT_FIELDS[:2], *(f"attr_{code}" for code in codes), *VARIANT_FIELDS[2:]]

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = variant_form_for(self._category(obj))
        return super().get_formset(request, obj, **kwargs)


class ProductImageInline(TenantInline):
    model = ProductImage
    extra = 0
    fields = ["image", "colour", "alt_text", "position"]
    grants = CATALOGUE_GRANTS


class EShopListingInline(TenantInline):
    model = EShopListing
    extra = 0
    fields = ["eshop", "url"]
    grants = CATALOGUE_GRANTS
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        match = getattr(request, "resolver_match", None)
        product_id = match.kwargs.get("object_id") if match else None
        if db_field.name == "eshop" and field is not None and product_id:
            # only the product's own brand's partners (its clean() refuses any other)
            field.queryset = field.queryset.filter(brand__products=product_id)
        return field


class ScheduleForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("In your time zone's terms, as your browser shows it (UTC on the server)."),
    )


class AuditedAdmin(TenantAdmin):
    """Every edit in the form leaves its audit entry (catalogue.services.record_edit)."""

    def save_model(self, request, obj, form, change):
        before = services.snapshot(type(obj).objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        services.record_edit(instance=obj, before=before, user=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Variant:
            return super().save_formset(request, form, formset, change)
        befores = {
            inline.instance.pk: services.snapshot(Variant.objects.get(pk=inline.instance.pk))
            for inline in formset.forms
            if inline.instance.pk
        }
        super().save_formset(request, form, formset, change)
        for variant in formset.new_objects + [v for v, _fields in formset.changed_objects]:
            services.record_edit(
                instance=variant, before=befores.get(variant.pk, {}), user=request.user
            )
        return None


@admin.register(Product)
class ProductAdmin(AuditedAdmin):
    scope = staticmethod(products_visible_to)
    grants = CATALOGUE_GRANTS
    list_display = ["name", "brand", "category", "status", "publish_at"]
    list_filter = ["brand", "status", "category"]
    search_fields = ["name", "variants__sku"]
    list_select_related = ["brand", "category"]
    readonly_fields = ["status", "publish_at"]
    inlines = [VariantInline, ProductImageInline, EShopListingInline]
    actions = ["publish_now", "schedule", "discontinue", "back_to_draft"]

    def _move(self, request, queryset, status, publish_at=None):
        for product in queryset:
            try:
                services.change_status(
                    product_id=product.pk, status=status, publish_at=publish_at, user=request.user
                )
            except DomainError as exc:
                self.message_user(request, f"{product.name}: {exc.message}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(name)s: %(status)s.")
                    % {"name": product.name, "status": Product.Status(status).label},
                )

    @admin.action(description=_("Publish now"), permissions=["change"])
    def publish_now(self, request, queryset):
        self._move(request, queryset, Product.Status.PUBLISHED)

    @admin.action(description=_("Schedule publication…"), permissions=["change"])
    def schedule(self, request, queryset):
        form = ScheduleForm(request.POST if "publish_at" in request.POST else None)
        if form.is_valid():
            self._move(request, queryset, Product.Status.SCHEDULED, form.cleaned_data["publish_at"])
            return None
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Schedule publication"),
            "objects": queryset,
            "action": "schedule",
            "opts": self.opts,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return render(request, "admin/catalogue/product/schedule.html", context)

    @admin.action(
        description=_("Discontinue (still reachable by its link, not reservable)"),
        permissions=["change"],
    )
    def discontinue(self, request, queryset):
        self._move(request, queryset, Product.Status.DISCONTINUED)

    @admin.action(description=_("Back to draft (hidden from shoppers)"), permissions=["change"])
    def back_to_draft(self, request, queryset):
        self._move(request, queryset, Product.Status.DRAFT)


@admin.register(Variant)
class VariantAdmin(AuditedAdmin):
    scope = staticmethod(variants_visible_to)
    grants = CATALOGUE_GRANTS
    list_display = ["sku", "product", "version", "price", "sale_price", "is_active"]
    list_filter = ["brand", "is_active"]
    search_fields = ["sku", "gtin", "product__name"]
    list_select_related = ["product"]
    autocomplete_fields = ["product"]

    def get_fields(self, request, obj=None):
        category = obj.product.category if obj is not None else None
        codes = [a.code for a in category.attribute_list()] if category else []
        return ["product", *VARIANT_FIELDS[:2], *(f"attr_{c}" for c in codes), *VARIANT_FIELDS[2:]]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = variant_form_for(obj.product.category if obj is not None else None)
        return super().get_form(request, obj, change, **kwargs)


@admin.register(CatalogueChange)
class CatalogueChangeAdmin(TenantAdmin):
    """The catalogue's audit trail: read only."""

    scope = staticmethod(changes_visible_to)
    grants = {"brand": {"view"}}
    list_display = ["created_at", "action", "product", "variant", "user"]
    list_filter = ["brand", "action"]
    search_fields = ["product__name", "variant__sku"]
    list_select_related = ["product", "variant", "user"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EShop)
class EShopAdmin(TenantAdmin):
    scope = staticmethod(eshops_visible_to)
    grants = CATALOGUE_GRANTS
    list_display = ["name", "brand", "tracking", "is_active"]
    list_filter = ["brand", "is_active"]
    search_fields = ["name"]
    list_select_related = ["brand"]


class CatalogueImportForm(BrandImportForm):
    file = forms.FileField(
        label=_("Sheet (CSV or XLSX)"),
        help_text=_(
            "One row per SKU, as the export writes it: product, product_slug, category, "
            "description, specs, status, publish_at, channels, sku, gtin, then one "
            "attribute:CODE column per attribute of the category (attribute:storage, "
            "attribute:colour…), "
            "price, sale_price, sale_starts, sale_ends, active, images."
        ),
    )
    images = forms.FileField(
        label=_("Photos (ZIP, optional)"),
        required=False,
        help_text=_("Matched by file name with the images column."),
    )

    def clean_images(self):
        upload = self.cleaned_data.get("images")
        if upload and not upload.name.lower().endswith(".zip"):
            raise forms.ValidationError(_("Upload the photos as one .zip file."))
        return upload


@admin.register(CatalogueImport)
class CatalogueImportAdmin(PreviewedImportAdmin):
    scope = staticmethod(imports_visible_to)
    grants = {"brand": {"view"}, "brand_manager": {"view", "add", "change"}}
    list_display = ["pk", "brand", "status", "rows_total", "created", "updated", "rows_rejected"]
    list_filter = ["status", "brand"]
    list_select_related = ["brand"]
    upload_form = CatalogueImportForm
    importer = sheets
    upload_title = _("Import a catalogue sheet")
    progress_counts = ("created", "updated", "unchanged")

    def create_import(self, request, form):
        return CatalogueImport.objects.create(created_by=request.user, **form.cleaned_data)

    def upload_context(self, request, form):
        """Each of the user's brands' catalogue to download, edit and bring back."""
        route = "admin:catalogue_export"
        return {
            "exports": [
                (
                    brand,
                    reverse(route, args=[brand.slug, "csv"]),
                    reverse(route, args=[brand.slug, "xlsx"]),
                )
                for brand in form.fields["brand"].queryset
            ]
        }

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_view)
        return [
            path("export/<slug:brand_slug>.<str:kind>", export, name="catalogue_export"),
            *super().get_urls(),
        ]

    def export_view(self, request, brand_slug, kind):
        """The brand's whole catalogue as a sheet that imports back unchanged."""
        brand = get_object_or_404(brands_visible_to(request.user), slug=brand_slug)
        if kind not in ("csv", "xlsx"):
            raise Http404
        content = (sheets.export_csv if kind == "csv" else sheets.export_xlsx)(brand=brand)
        types = {
            "csv": "text/csv; charset=utf-8",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
        response = HttpResponse(content, content_type=types[kind])
        response["Content-Disposition"] = f'attachment; filename="{brand.slug}-catalogue.{kind}"'
        return response
