"""A DRF serializer whose fields are built once per class.

DRF deep-copies every declared field for each serializer instance: 0.07–0.18 ms for a
queue place, a reservation's request or its receipt, on every request. A
`FieldsOnceSerializer` builds them once, bound to a blank instance of its class, and every
instance reads through them. So its fields must not read their serializer's context,
instance or `partial` flag: plain fields, nested serializers of this kind, and method fields
that use only their argument. Relations, hidden fields, defaults that need the context, and
`partial=True` are refused."""

from django.core.exceptions import ImproperlyConfigured
from rest_framework import relations, serializers

CONTEXT_FIELDS = (relations.RelatedField, relations.ManyRelatedField, serializers.HiddenField)


def _refuse_context_fields(owner: type, fields) -> None:
    for name, field in fields.items():
        nested = field.child if isinstance(field, serializers.ListSerializer) else field
        default = getattr(field, "default", None)
        reads_context = (
            isinstance(field, CONTEXT_FIELDS)
            or getattr(default, "requires_context", False)
            or (
                isinstance(nested, serializers.BaseSerializer)
                and not isinstance(nested, FieldsOnceSerializer)
            )
        )
        if reads_context:
            raise ImproperlyConfigured(
                f"{owner.__name__}.{name}: a FieldsOnceSerializer's fields are shared by "
                "every instance and must not read the serializer's context or instance."
            )


class FieldsOnceSerializer(serializers.Serializer):
    def __init__(self, *args, **kwargs):
        if kwargs.get("partial"):
            raise ImproperlyConfigured(
                f"{type(self).__name__}: a FieldsOnceSerializer is never partial."
            )
        super().__init__(*args, **kwargs)

    @property
    def fields(self):
        owner = type(self)
        built = owner.__dict__.get("_fields_once")
        if built is None:
            blank = owner()
            built = serializers.Serializer.fields.func(blank)
            _refuse_context_fields(owner, built)
            owner._fields_once = built
        return built
