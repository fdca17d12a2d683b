"""FieldsOnceSerializer: fields built once per class give each instance what DRF's own
per-instance fields give, and what would read a serializer's context is refused."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from rest_framework import serializers

from o2o.core.serializers import FieldsOnceSerializer


def _declare(base):
    class Line(base):
        sku = serializers.CharField()
        quantity = serializers.IntegerField(min_value=1)

    class Order(base):
        code = serializers.RegexField(r"^[A-Z]+$", max_length=8)
        kind = serializers.ChoiceField(choices=["collect", "delivery"], default="collect")
        at = serializers.DateTimeField()
        note = serializers.CharField(required=False, default="", allow_blank=True)
        shout = serializers.SerializerMethodField()
        lines = Line(many=True)

        def get_shout(self, order) -> str:
            return order["code"].lower()

    return Order


Once, Plain = _declare(FieldsOnceSerializer), _declare(serializers.Serializer)
ORDER = {
    "code": "ABC",
    "kind": "delivery",
    "at": datetime.datetime(2026, 12, 7, 9, 30, tzinfo=datetime.UTC),
    "note": "ring twice",
    "lines": [{"sku": "P-1", "quantity": 2}, {"sku": "P-2", "quantity": 1}],
}
BODIES = [
    {"code": "ABC", "at": "2026-12-07T09:30:00Z", "lines": [{"sku": "P-1", "quantity": 2}]},
    {"code": "abc", "kind": "post", "at": "yesterday", "lines": [{"sku": "", "quantity": 0}]},
    {"code": "ABCDEFGHIJ", "lines": "none"},
    {},
]


def test_fields_are_built_once_per_class():
    first, second = Once(ORDER), Once(ORDER)
    assert first.fields is second.fields
    assert Plain(ORDER).fields is not Plain(ORDER).fields


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata", "America/Sao_Paulo"])
def test_answers_are_drfs_in_the_current_time_zone(zone):
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        assert Once(ORDER).data == Plain(ORDER).data
        assert Once([ORDER, ORDER], many=True).data == Plain([ORDER, ORDER], many=True).data


def test_validation_gives_drfs_data_and_errors_and_keeps_them_apart():
    checked = [Once(data=body) for body in BODIES]
    expected = [Plain(data=body) for body in BODIES]
    for ours, theirs in zip(checked, expected, strict=True):
        assert ours.is_valid() == theirs.is_valid()
    for ours, theirs in zip(checked, expected, strict=True):  # read after all were checked
        assert ours.errors == theirs.errors
        if not ours.errors:
            assert ours.validated_data == theirs.validated_data
    assert checked[0].validated_data["kind"] == "collect"
    assert set(checked[1].errors) == {"code", "kind", "at", "lines"}


def test_fields_that_read_the_context_are_refused():
    from django.contrib.auth import get_user_model

    User = get_user_model()

    class WithRelation(FieldsOnceSerializer):
        user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())

    class WithUser(FieldsOnceSerializer):
        user = serializers.HiddenField(default=serializers.CurrentUserDefault())

    class WithPlainNested(FieldsOnceSerializer):
        lines = Plain(many=True)

    for declared in (WithRelation, WithUser, WithPlainNested):
        with pytest.raises(ImproperlyConfigured):
            declared(data={}).is_valid()
    with pytest.raises(ImproperlyConfigured):
        Once(ORDER, data={"note": "x"}, partial=True)
