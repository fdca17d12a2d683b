from django.contrib import admin

from .models import Brand, BrandMembership


class BrandMembershipInline(admin.TabularInline):
    model = BrandMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["name", "currency", "hold_minutes", "is_active"]
    list_filter = ["is_active", "currency"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [BrandMembershipInline]
