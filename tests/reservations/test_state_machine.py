import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from o2o.inventory.models import StockLevel, StockMovement
from o2o.outlets.models import Outlet
from o2o.reservations import services
from o2o.reservations.errors import IllegalTransition, InsufficientStock, ReservationNotAllowed
from o2o.reservations.models import Reservation
from o2o.reservations.tasks import expire_overdue_reservations_task
from tests.factories import OutletFactory, VariantFactory

Status = Reservation.Status
SHOPPER = {
    "shopper_name": "Priya",
    "shopper_email": "priya@example.com",
    "shopper_phone": "+91 98123 45678",
}


def reserve(world, quantity=1):
    return services.reserve(
        outlet=world.outlet, variant=world.variant, quantity=quantity, **SHOPPER
    )


def level(world):
    return StockLevel.objects.get(pk=world.level.pk)


def test_reserve_holds_units_and_records_a_movement(world, mailoutbox):
    reservation = reserve(world, quantity=2)
    assert reservation.status == Status.PENDING
    assert len(reservation.code) == 10
    assert (level(world).on_hand, level(world).reserved) == (5, 2)
    movement = StockMovement.objects.get(reference=reservation.code)
    assert (movement.reason, movement.reserved_delta) == ("hold", 2)
    assert reservation.expires_at > timezone.now() + timedelta(minutes=100)


def test_reserve_more_than_available_raises_and_holds_nothing(world):
    reserve(world, quantity=4)
    with pytest.raises(InsufficientStock):
        reserve(world, quantity=2)
    assert level(world).reserved == 4
    assert Reservation.objects.count() == 1  # the failed one was rolled back


@pytest.mark.parametrize("case", ["paused", "unauthorised", "unpublished", "zero", "too many"])
def test_reserve_refuses_what_shoppers_cannot_buy(world, case):
    outlet, variant, quantity = world.outlet, world.variant, 1
    if case == "paused":
        Outlet.objects.filter(pk=outlet.pk).update(status=Outlet.Status.PAUSED)
        outlet.refresh_from_db()
    elif case == "unauthorised":
        outlet = OutletFactory()
    elif case == "unpublished":
        world.product.status = "draft"
        world.product.save()
    elif case == "zero":
        quantity = 0
    else:
        quantity = 99
    with pytest.raises(ReservationNotAllowed):
        services.reserve(outlet=outlet, variant=variant, quantity=quantity, **SHOPPER)


def test_collect_turns_the_hold_into_a_sale(world):
    reservation = reserve(world, quantity=2)
    services.confirm(reservation_id=reservation.pk)
    services.mark_ready(reservation_id=reservation.pk)
    services.collect(reservation_id=reservation.pk)
    assert (level(world).on_hand, level(world).reserved) == (3, 0)
    reservation.refresh_from_db()
    assert reservation.status == Status.COLLECTED
    assert reservation.confirmed_at
    assert reservation.ready_at
    assert reservation.closed_at


@pytest.mark.parametrize("closing", [Status.CANCELLED, Status.DECLINED, Status.EXPIRED])
def test_closing_releases_the_hold_exactly_once(world, closing):
    reservation = reserve(world, quantity=3)
    services.transition(reservation_id=reservation.pk, to_status=closing)
    assert (level(world).on_hand, level(world).reserved) == (5, 0)
    with pytest.raises(IllegalTransition):
        services.transition(reservation_id=reservation.pk, to_status=closing)
    assert level(world).reserved == 0


LEGAL = {(src, dst) for dst, sources in services.ALLOWED_FROM.items() for src in sources}
ILLEGAL = [pair for pair in itertools.product(Status.values, Status.values) if pair not in LEGAL]


@pytest.mark.parametrize(("source", "target"), ILLEGAL)
def test_every_illegal_transition_raises(world, source, target):
    reservation = reserve(world, quantity=1)
    Reservation.objects.filter(pk=reservation.pk).update(status=source)
    before = (level(world).on_hand, level(world).reserved)
    with pytest.raises(IllegalTransition):
        services.transition(reservation_id=reservation.pk, to_status=target)
    assert Reservation.objects.get(pk=reservation.pk).status == source
    assert (level(world).on_hand, level(world).reserved) == before


def test_beat_task_expires_overdue_reservations_and_releases_holds(world):
    overdue = reserve(world, quantity=2)
    fresh = reserve(world, quantity=1)
    Reservation.objects.filter(pk=overdue.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert expire_overdue_reservations_task.delay().get() == 1
    assert Reservation.objects.get(pk=overdue.pk).status == Status.EXPIRED
    assert Reservation.objects.get(pk=fresh.pk).status == Status.PENDING
    assert level(world).reserved == 1


def test_status_changes_are_mailed_to_the_shopper(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reservation = reserve(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm(reservation_id=reservation.pk)
    assert [m.to for m in mailoutbox] == [["priya@example.com"]] * 2
    assert reservation.code in mailoutbox[1].subject
    assert "Confirmed" in mailoutbox[1].subject


def test_variant_of_another_product_is_independent(world):
    other = VariantFactory(product=world.product, sku="X-1")
    with pytest.raises(InsufficientStock):
        services.reserve(outlet=world.outlet, variant=other, quantity=1, **SHOPPER)
