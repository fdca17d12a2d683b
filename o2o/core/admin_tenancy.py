"""The admin's tenancy: every registered model declares who may do what, and which rows.

`TenantAdmin` subclasses set `scope` (a selector: user, queryset -> queryset) and grants per
role (`retailer`, `retailer_owner`, `brand`, `brand_manager`). Superusers may do anything;
everyone else gets exactly the grants of their roles, only on rows in scope; another
tenant's object is a 404, foreign-key choices, autocompletes and list filters only offer
rows in scope."""

from django.contrib import admin
from django.contrib.admin.filters import RelatedOnlyFieldListFilter
from django.db import models
from django.http import Http404

from .tenancy import tenancy_of

ACTIONS = ("view", "add", "change", "delete")


def user_fields(model):
    """Fields of `model` that point at user accounts: never a tenant's choice to make."""
    from django.conf import settings

    return [
        field.name
        for field in model._meta.get_fields()
        if (field.many_to_one or field.many_to_many)
        and not field.auto_created
        and field.related_model is not None
        and field.related_model._meta.label == settings.AUTH_USER_MODEL
    ]


class TenantFormMixin:
    """Form choices in scope: a foreign key or many-to-many field offers the rows its
    target's TenantAdmin shows the user, none where no TenantAdmin scopes the target, and
    fields pointing at user accounts are read-only for everyone but superusers. Submitted
    ids are validated against the same querysets, so a foreign id is a form error."""

    def _scoped_choices(self, db_field, request, kwargs):
        if request.user.is_superuser or "queryset" in kwargs:
            return
        related = self.admin_site._registry.get(db_field.related_model)
        if isinstance(related, TenantAdmin):
            kwargs["queryset"] = related.get_queryset(request)
        else:
            kwargs["queryset"] = db_field.related_model._default_manager.none()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._scoped_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._scoped_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return fields
        return fields + tuple(name for name in user_fields(self.model) if name not in fields)

    def get_autocomplete_fields(self, request):
        fields = super().get_autocomplete_fields(request)
        if request.user.is_superuser:
            return fields
        return [name for name in fields if name not in user_fields(self.model)]


class TenantAdmin(TenantFormMixin, admin.ModelAdmin):
    scope = None  # function(user, queryset) -> queryset; None: superusers only
    grants = {}  # role -> set of ACTIONS

    # permissions -------------------------------------------------------------------

    def _granted(self, request, action):
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        if user.is_superuser:
            return True
        if self.scope is None:
            return False
        allowed = set()
        for role in tenancy_of(user).roles:
            allowed |= set(self.grants.get(role, ()))
        return action in allowed or (action == "view" and "change" in allowed)

    def _in_scope(self, request, obj):
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_module_permission(self, request):
        return self._granted(request, "view")

    def has_view_permission(self, request, obj=None):
        return self._granted(request, "view") and self._in_scope(request, obj)

    def has_add_permission(self, request, *args):
        return self._granted(request, "add")

    def has_change_permission(self, request, obj=None):
        return self._granted(request, "change") and self._in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._granted(request, "delete") and self._in_scope(request, obj)

    # rows --------------------------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        if self.scope is None:
            return queryset.none()
        return self.scope(request.user, queryset)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such object.")  # another tenant's id looks like a missing one
        return obj

    def get_list_filter(self, request):
        """Related-object filters only offer objects that appear in the user's rows."""
        filters = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and "__" not in entry:
                field = self.model._meta.get_field(entry)
                if isinstance(field, models.ForeignKey):
                    entry = (entry, RelatedOnlyFieldListFilter)
            filters.append(entry)
        return filters


class TenantInline(TenantFormMixin, admin.TabularInline):
    """An inline shown to whoever may see its parent, editable per the same grants."""

    grants = {}

    def _granted(self, request, action):
        if request.user.is_superuser:
            return True
        allowed = set()
        for role in tenancy_of(request.user).roles:
            allowed |= set(self.grants.get(role, ()))
        return action in allowed or (action == "view" and "change" in allowed)

    def has_view_permission(self, request, obj=None):
        return self._granted(request, "view")

    def has_add_permission(self, request, obj=None):
        return self._granted(request, "add")

    def has_change_permission(self, request, obj=None):
        return self._granted(request, "change")

    def has_delete_permission(self, request, obj=None):
        return self._granted(request, "delete")
