from django.contrib import admin

from .models import Category, Product, Variant


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "brand"]
    list_filter = ["brand"]
    search_fields = ["name"]
    list_select_related = ["brand"]


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0
    fields = ["sku", "gtin", "colour", "storage_gb", "price", "is_active"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "brand", "category", "is_published"]
    list_filter = ["brand", "is_published", "category"]
    search_fields = ["name", "variants__sku"]
    list_select_related = ["brand", "category"]
    inlines = [VariantInline]


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin):
    list_display = ["sku", "product", "colour", "storage_gb", "price", "is_active"]
    list_filter = ["brand", "is_active", "storage_gb"]
    search_fields = ["sku", "gtin", "product__name"]
    list_select_related = ["product"]
    autocomplete_fields = ["product"]
