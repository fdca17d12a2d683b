"""Lookups compiled once (core.db.PreparedLookup): the reservation's variant and outlet
must come back exactly as the ORM builds them, on SQLite and PostgreSQL alike."""

import pytest
from django.db.models import Model

from o2o.catalogue.selectors import variant_by_sku
from o2o.core.db import PreparedLookup
from o2o.outlets.models import Outlet
from o2o.outlets.selectors import outlet_by_code
from tests.factories import OutletFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


def values(instance: Model) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}


def test_a_variant_comes_back_as_the_orm_builds_it_with_its_product_and_brand(
    django_assert_num_queries,
):
    product = ProductFactory(specs={"screen": "6.1 in", "ports": ["usb-c"]})
    variant = VariantFactory(product=product, brand=product.brand, attributes={"colour": "Ink"})
    VariantFactory(brand=product.brand)  # another of the brand's SKUs
    expected = type(variant).objects.select_related("product", "brand").get(pk=variant.pk)

    with django_assert_num_queries(1):
        found = variant_by_sku(brand_slug=product.brand.slug, sku=variant.sku)
        assert values(found.product) == values(expected.product)
        assert values(found.brand) == values(expected.brand)
    assert values(found) == values(expected)
    assert found.product.specs == {"screen": "6.1 in", "ports": ["usb-c"]}
    assert found.current_price() == expected.current_price()
    assert found._state.adding is False and found._state.db == "default"
    same_product = variant_by_sku(
        brand_slug=product.brand.slug, product_slug=product.slug, sku=variant.sku
    )
    assert same_product.pk == variant.pk


def test_a_lookup_answers_each_call_with_its_own_values_and_none_when_nothing_matches():
    first, second = VariantFactory(), VariantFactory()
    assert variant_by_sku(brand_slug=first.brand.slug, sku=first.sku).pk == first.pk
    assert variant_by_sku(brand_slug=second.brand.slug, sku=second.sku).pk == second.pk
    assert variant_by_sku(brand_slug=second.brand.slug, sku=first.sku) is None  # not its brand
    other = ProductFactory(brand=first.brand)
    assert variant_by_sku(brand_slug=first.brand.slug, product_slug=other.slug, sku=first.sku) is None
    for hostile in ("' OR 1=1 --", "%", "_", "\\", "é" * 64, ""):
        assert variant_by_sku(brand_slug=first.brand.slug, sku=hostile) is None
        assert outlet_by_code(code=hostile) is None


def test_an_outlet_comes_back_whatever_its_status_with_its_time_zone_and_hours():
    outlet = OutletFactory(status=Outlet.Status.PAUSED, timezone="Europe/Paris")
    found = outlet_by_code(code=outlet.code)
    assert values(found) == values(Outlet.objects.get(pk=outlet.pk))
    assert str(found.timezone) == "Europe/Paris" and found.status == "paused"


def test_a_value_the_orm_would_rewrite_is_refused_when_the_lookup_is_first_run():
    starting = PreparedLookup(lambda *, code: Outlet.objects.filter(code__startswith=code))
    with pytest.raises(ValueError, match="one parameter"):
        starting.first(code="AB")
