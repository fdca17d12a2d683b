"""The launch queue under real concurrency: PostgreSQL, real threads, real connections.
Arrivals at once keep their order, nobody holds two places, no unit is sold twice."""

import datetime
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from o2o.inventory.models import StockLevel
from o2o.launches import queue
from o2o.launches.models import Launch, QueueTicket
from o2o.reservations.models import Reservation
from tests.factories import OutletFactory, authorise, launch_on_sale, make_world, stock

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def open_launch(world, units):
    """The world's product on sale through a queue, `units` put aside per outlet code (new
    outlets with 20 of the item each)."""
    outlets = {"pune-1": world.outlet}
    for code in units:
        if code not in outlets:
            outlets[code] = OutletFactory(code=code)
            authorise(outlets[code], world.brand)
            stock(outlets[code], world.variant, 20)
    StockLevel.objects.filter(pk=world.level.pk).update(on_hand=20)
    return launch_on_sale(world, {outlets[code]: count for code, count in units.items()})


def run(threads):
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_forty_arrivals_at_once_for_ten_units_are_served_in_number_order():
    world = make_world(on_hand=20)
    launch = open_launch(world, {"pune-1": 6, "mumbai-1": 4})
    arrivals = 40
    barrier = threading.Barrier(arrivals)
    outcomes = {}
    errors = []

    def shopper(index):
        try:
            barrier.wait()
            ticket, _new = queue.join(
                launch=launch, email=f"s{index}@example.com", language="en", ip=None
            )
            for _attempt in range(200):
                place = queue.place(ticket=ticket)
                if place.state != "waiting":
                    break
                threading.Event().wait(0.02)
            if place.state != "admitted":
                outcomes[index] = (ticket.number, place.state)
                return
            for code in ("pune-1", "mumbai-1"):
                try:
                    queue.reserve(
                        ticket=ticket,
                        outlet=Launch.objects.get(pk=launch.pk)
                        .allocations.get(outlet__code=code)
                        .outlet,
                        variant=world.variant,
                        quantity=1,
                        shopper_name=f"Shopper {index}",
                        shopper_phone="+91 9000000000",
                    )
                    outcomes[index] = (ticket.number, "reserved")
                    return
                except queue.QueueError as exc:
                    if exc.details != {"outlet": ["no_units"]}:
                        raise
            outcomes[index] = (ticket.number, "no shop")
        except Exception as exc:  # reported by the assertion below
            errors.append(repr(exc))
        finally:
            connection.close()

    run([threading.Thread(target=shopper, args=(i,)) for i in range(arrivals)])

    assert errors == []
    numbers = sorted(number for number, _state in outcomes.values())
    assert numbers == list(range(1, arrivals + 1))  # one number each, none skipped
    served = sorted(number for number, state in outcomes.values() if state == "reserved")
    assert served == list(range(1, 11))  # the first ten numbers, and only they
    assert {state for number, state in outcomes.values() if number > 10} == {"sold_out"}
    tickets = list(QueueTicket.objects.filter(launch=launch).order_by("number"))
    joined = [ticket.joined_at for ticket in tickets]
    # numbers follow arrival, up to the moment a request waits for the launch row's lock:
    # nobody numbered before someone who arrived more than a second earlier
    latest_so_far = joined[0]
    for stamp in joined:
        assert stamp >= latest_so_far - datetime.timedelta(seconds=1)
        latest_so_far = max(latest_so_far, stamp)
    launch.refresh_from_db()
    assert (launch.units_reserved, launch.units_held, launch.admitted_through) == (10, 0, 10)
    assert sorted(launch.allocations.values_list("outlet__code", "taken")) == [
        ("mumbai-1", 4),
        ("pune-1", 6),
    ]
    reservations = Reservation.objects.filter(brand=world.brand)
    assert reservations.count() == 10
    assert len(set(reservations.values_list("shopper_email", flat=True))) == 10
    levels = StockLevel.objects.filter(variant=world.variant)
    assert all(0 <= level.reserved <= level.on_hand for level in levels)
    assert sum(level.reserved for level in levels) == 10


def test_one_shopper_arriving_from_many_tabs_at_once_holds_one_place():
    world = make_world(on_hand=20)
    launch = open_launch(world, {"pune-1": 3})
    barrier = threading.Barrier(8)
    numbers = []

    def tab():
        try:
            barrier.wait()
            ticket, _new = queue.join(
                launch=launch, email="Asha@Example.com", language="en", ip=None
            )
            numbers.append(ticket.number)
        finally:
            connection.close()

    run([threading.Thread(target=tab) for _ in range(8)])
    assert numbers == [1] * 8
    launch.refresh_from_db()
    assert (launch.tickets_issued, launch.admitted_through, launch.units_held) == (1, 1, 1)

    ticket = QueueTicket.objects.get(launch=launch)
    barrier = threading.Barrier(6)
    results = []

    def double_spend():
        try:
            barrier.wait()
            queue.reserve(
                ticket=ticket,
                outlet=world.outlet,
                variant=world.variant,
                quantity=1,
                shopper_name="Asha",
                shopper_phone="+91 9000000000",
            )
            results.append("reserved")
        except queue.QueueError as exc:
            results.append(exc.details)
        finally:
            connection.close()

    run([threading.Thread(target=double_spend) for _ in range(6)])
    assert sorted(results, key=str) == ["reserved"] + [{"ticket": ["used"]}] * 5
    assert Reservation.objects.count() == 1


def test_a_poll_does_not_queue_behind_another_request_starting_turns_and_a_later_one_admits():
    """Turns are started by whichever join or poll finds them due; one that finds another
    request starting the launch's turns answers at once instead of queueing behind it,
    and the next poll starts what is still due."""
    world = make_world(on_hand=20)
    launch = open_launch(world, {"pune-1": 5})
    Launch.objects.filter(pk=launch.pk).update(admit_per_second=1)
    ticket, _new = queue.join(launch=launch, email="a@example.com", language="en", ip=None)
    later, _new = queue.join(launch=launch, email="b@example.com", language="en", ip=None)
    assert ticket.admitted_at is not None
    assert later.admitted_at is None  # one token a second
    claimed, release = threading.Event(), threading.Event()

    def start_turns_slowly():  # holds what an admission holds: its claim, then the row
        try:
            with transaction.atomic():
                assert queue._claim_admission(launch.pk)
                Launch.objects.select_for_update().get(pk=launch.pk)
                claimed.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=start_turns_slowly)
    holder.start()
    assert claimed.wait(10)
    in_a_second = timezone.now() + datetime.timedelta(seconds=1.5)
    try:
        answers = []
        poller = threading.Thread(
            target=lambda: (
                answers.append(queue.place(ticket=later, now=in_a_second)),
                connection.close(),
            )
        )
        poller.start()
        poller.join(5)
        assert not poller.is_alive(), "the poll queued behind the admission"
        assert (answers[0].state, answers[0].position) == ("waiting", 1)
    finally:
        release.set()
        holder.join(10)
    assert queue.place(ticket=later, now=in_a_second).state == "admitted"
