from django.contrib import admin

from o2o.core.admin_tenancy import TenantAdmin, TenantInline

from .models import Category, Product, ProductImage, Variant
from .selectors import categories_visible_to, products_visible_to, variants_visible_to

CATALOGUE_GRANTS = {"brand": {"view"}, "brand_manager": {"view", "add", "change", "delete"}}


@admin.register(Category)
class CategoryAdmin(TenantAdmin):
    scope = staticmethod(categories_visible_to)
    grants = CATALOGUE_GRANTS
    list_display = ["name", "brand"]
    list_filter = ["brand"]
    search_fields = ["name"]
    list_select_related = ["brand"]


class VariantInline(TenantInline):
    model = Variant
    extra = 0
    fields = ["sku", "gtin", "colour", "storage_gb", "price", "is_active"]
    grants = CATALOGUE_GRANTS


class ProductImageInline(TenantInline):
    model = ProductImage
    extra = 0
    fields = ["image", "colour", "alt_text", "position"]
    grants = CATALOGUE_GRANTS


@admin.register(Product)
class ProductAdmin(TenantAdmin):
    scope = staticmethod(products_visible_to)
    grants = CATALOGUE_GRANTS
    list_display = ["name", "brand", "category", "is_published"]
    list_filter = ["brand", "is_published", "category"]
    search_fields = ["name", "variants__sku"]
    list_select_related = ["brand", "category"]
    inlines = [VariantInline, ProductImageInline]


@admin.register(Variant)
class VariantAdmin(TenantAdmin):
    scope = staticmethod(variants_visible_to)
    grants = CATALOGUE_GRANTS
    list_display = ["sku", "product", "colour", "storage_gb", "price", "is_active"]
    list_filter = ["brand", "is_active", "storage_gb"]
    search_fields = ["sku", "gtin", "product__name"]
    list_select_related = ["product"]
    autocomplete_fields = ["product"]
