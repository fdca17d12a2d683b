"""The reservation's statements built once or together (core.statements): lookups the ORM compiles
once must come back exactly as the ORM builds them, and rows inserted together exactly as
`save()` writes them, on SQLite and PostgreSQL alike."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from o2o.catalogue.selectors import variant_by_sku
from o2o.core.statements import PreparedLookup, insert_together
from o2o.outlets.models import Outlet
from o2o.outlets.selectors import outlet_by_code
from o2o.reservations.models import Reservation, ReservationLine
from o2o.reservations.selectors import variant_and_outlet
from tests.factories import (
    OutletFactory,
    ProductFactory,
    VariantFactory,
    api_reservation,
    make_world,
)

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
    assert found._state.adding is False
    assert found._state.db == "default"
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
    assert (
        variant_by_sku(brand_slug=first.brand.slug, product_slug=other.slug, sku=first.sku) is None
    )
    for hostile in ("' OR 1=1 --", "%", "_", "\\", "é" * 64, ""):
        assert variant_by_sku(brand_slug=first.brand.slug, sku=hostile) is None
        assert outlet_by_code(code=hostile) is None


def test_an_outlet_comes_back_whatever_its_status_with_its_time_zone_and_hours():
    outlet = OutletFactory(status=Outlet.Status.PAUSED, timezone="Europe/Paris")
    found = outlet_by_code(code=outlet.code)
    assert values(found) == values(Outlet.objects.get(pk=outlet.pk))
    assert str(found.timezone) == "Europe/Paris"
    assert found.status == "paused"


def test_the_variant_and_the_outlet_are_read_together_as_each_lookup_reads_them(
    django_assert_num_queries,
):
    """One statement for both (`first_of_each`), and each comes back exactly as its own
    lookup builds it, whichever of the two is missing."""
    product = ProductFactory(specs={"screen": "6.1 in"})
    variant = VariantFactory(product=product, brand=product.brand, attributes={"colour": "Ink"})
    outlet = OutletFactory(status=Outlet.Status.CLOSED, timezone="Asia/Kolkata")
    brand = product.brand.slug

    with django_assert_num_queries(1):
        found_variant, found_outlet = variant_and_outlet(
            brand_slug=brand, sku=variant.sku, outlet_code=outlet.code
        )
    alone = variant_by_sku(brand_slug=brand, sku=variant.sku)
    assert values(found_variant) == values(alone)
    assert values(found_variant.product) == values(alone.product)
    assert values(found_variant.brand) == values(alone.brand)
    assert found_variant.product.specs == {"screen": "6.1 in"}
    assert found_variant.attributes == {"colour": "Ink"}
    assert values(found_outlet) == values(outlet_by_code(code=outlet.code))
    assert str(found_outlet.timezone) == "Asia/Kolkata"
    assert found_outlet._state.adding is False

    _, found_outlet = variant_and_outlet(brand_slug=brand, sku="NOPE", outlet_code=outlet.code)
    assert values(found_outlet) == values(outlet)
    found_variant, _ = variant_and_outlet(brand_slug=brand, sku=variant.sku, outlet_code="NOPE")
    assert found_variant.pk == variant.pk
    assert variant_and_outlet(brand_slug=brand, sku="NOPE", outlet_code="NOPE") == (None, None)
    other = ProductFactory(brand=product.brand)
    assert (
        variant_and_outlet(
            brand_slug=brand, product_slug=other.slug, sku=variant.sku, outlet_code=outlet.code
        )[0]
        is None
    )
    assert (
        variant_and_outlet(
            brand_slug=brand, product_slug=product.slug, sku=variant.sku, outlet_code=outlet.code
        )[0].pk
        == variant.pk
    )
    for hostile in ("' OR 1=1 --", "%", "\\", "é" * 64, ""):
        assert variant_and_outlet(brand_slug=brand, sku=hostile, outlet_code=hostile) == (
            None,
            None,
        )


def test_a_value_the_orm_would_rewrite_is_refused_when_the_lookup_is_first_run():
    starting = PreparedLookup(lambda *, code: Outlet.objects.filter(code__startswith=code))
    with pytest.raises(ValueError, match="one parameter"):
        starting.first(code="AB")


def test_a_reservation_its_line_and_first_event_are_written_as_save_writes_them(client):
    """`insert_together` (one statement on PostgreSQL): what the shopper's receipt shows is
    what the database holds, timestamps, phone, price and links included."""
    world = make_world()
    body = api_reservation(
        world, fulfilment="delivery", delivery_address="12 MG Road", lat=18.52, lng=73.85
    )
    world.outlet.delivery_radius_km = 10
    world.outlet.save()
    answer = client.post("/api/v1/reservations/", body, content_type="application/json")
    assert answer.status_code == 201, answer.content
    reservation = Reservation.objects.get(code=answer.json()["code"])
    assert str(reservation.shopper_phone) == "+919000000000"
    assert (reservation.delivery_latitude, reservation.delivery_longitude) == (18.52, 73.85)
    assert reservation.updated_at - reservation.created_at < timedelta(seconds=1)
    assert answer.json()["created_at"] == reservation.created_at.isoformat().replace("+00:00", "Z")
    line = reservation.lines.get()
    assert (line.variant_id, line.quantity, str(line.unit_price)) == (
        world.variant.pk,
        1,
        answer.json()["lines"][0]["unit_price"],
    )
    event = reservation.events.get()
    assert (event.from_status, event.to_status, event.user_id) == ("", "pending", None)
    assert event.created_at >= reservation.created_at
    world.level.refresh_from_db()
    assert world.level.reserved == 1


def unsaved_reservation(world):
    return Reservation(
        outlet=world.outlet,
        brand=world.brand,
        shopper_name="Asha",
        shopper_email="asha@example.com",
        shopper_phone="+919000000000",
        expires_at=timezone.now(),
    )


def test_rows_written_together_are_all_written_or_none_of_them():
    world = make_world()
    reservation = unsaved_reservation(world)
    fine = ReservationLine(reservation=reservation, variant=world.variant, quantity=1, unit_price=1)
    refused = ReservationLine(
        reservation=reservation, variant=world.variant, quantity=0, unit_price=1
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_together(reservation, [fine, refused])
    assert not Reservation.objects.exists()
    assert not ReservationLine.objects.exists()
    reservation.pk = fine.pk = None
    reservation._state.adding = fine._state.adding = True
    insert_together(reservation, [fine])
    assert ReservationLine.objects.get().reservation_id == reservation.pk == fine.reservation_id
    assert not fine._state.adding
    assert fine._state.db == "default"


def test_a_lookup_by_numbers_takes_each_call_its_own_values():
    first, second = OutletFactory(), OutletFactory()
    by_pk = PreparedLookup(
        lambda *, pk, retailer: Outlet.objects.filter(pk=pk, retailer_id=retailer),
        numbers=("pk", "retailer"),
    )
    assert by_pk.first(pk=first.pk, retailer=first.retailer_id).code == first.code
    assert by_pk.first(pk=second.pk, retailer=second.retailer_id).code == second.code
    assert by_pk.first(pk=second.pk, retailer=first.retailer_id) is None
    assert by_pk.first(pk=2**40, retailer=first.retailer_id) is None


def test_rows_written_together_send_no_model_signals_on_any_database():
    """As documented (like bulk_create): SQLite must not hide a subscriber PostgreSQL skips."""
    from django.db.models.signals import post_save

    heard = []

    def listen(sender, **kwargs):
        heard.append(sender)

    world = make_world()
    reservation = unsaved_reservation(world)
    line = ReservationLine(reservation=reservation, variant=world.variant, quantity=1, unit_price=1)
    post_save.connect(listen, dispatch_uid="test-insert-together")
    try:
        insert_together(reservation, [line])
    finally:
        post_save.disconnect(dispatch_uid="test-insert-together")
    assert heard == []
    assert ReservationLine.objects.get().reservation_id == reservation.pk == line.reservation_id
