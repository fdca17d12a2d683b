from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import OutboxMessage, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("Contact", {"fields": ("phone",)}))


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Tasks waiting for the broker (superusers only): the beat sends them every minute."""

    list_display = ["task", "args", "created_at", "attempts", "last_error"]
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False
