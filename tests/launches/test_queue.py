"""Launch day's queue (issue 17, part 5): units each outlet puts aside, a per-shopper limit, a
fair first-come queue (a signed ticket numbered on arrival, admitted in number order while
units are free, used once, expiring if unused), through the API and the pages."""

import datetime

import pytest
import time_machine
from django.test import Client
from rest_framework.test import APIClient

from o2o.catalogue.models import Product
from o2o.inventory.models import StockLevel
from o2o.launches import queue
from o2o.launches.models import Launch, QueueSample, QueueTicket
from o2o.launches.tasks import tend_queues_task
from o2o.reservations import services as reservations
from o2o.reservations.models import Reservation
from tests.factories import OutletFactory, api_reservation
from tests.launches.conftest import START, url


def join(world, email, client=None):
    return (client or APIClient()).post(url(world, "queue/"), {"email": email}, format="json")


def place(world, ticket):
    return APIClient().get(url(world, "queue/"), HTTP_X_QUEUE_TICKET=ticket)


def reserve(world, ticket, **changes):
    body = {
        "sku": world.variant.sku,
        "outlet": "pune-1",
        "quantity": 1,
        "shopper_name": "Asha",
        "shopper_phone": "+91 9000000000",
        **changes,
    }
    return APIClient().post(url(world, "reserve/"), body, format="json", HTTP_X_QUEUE_TICKET=ticket)


def test_the_queue_admits_in_arrival_order_while_units_are_free(
    world, launch, django_capture_on_commit_callbacks
):
    with time_machine.travel(START - datetime.timedelta(minutes=1), tick=False):
        early = join(world, "early@example.com")
        assert early.status_code == 409
        assert early.json()["fields"] == {"queue": ["not_open"]}
    with time_machine.travel(START + datetime.timedelta(seconds=5), tick=False):
        # the first arrival opens the launch and publishes the product if beat has not yet
        answers = [join(world, f"s{n}@example.com") for n in range(1, 6)]
        direct = APIClient().post("/api/v1/reservations/", api_reservation(world), format="json")
        assert direct.status_code == 400  # around the queue: refused
        assert direct.json()["fields"] == {"queue": ["required"]}
        assert [a.status_code for a in answers] == [201] * 5
        states = [(a.json()["number"], a.json()["state"], a.json()["position"]) for a in answers]
        assert states == [
            (1, "admitted", 0),
            (2, "admitted", 0),
            (3, "admitted", 0),
            (4, "waiting", 1),
            (5, "waiting", 2),
        ]
        again = join(world, " S2@Example.com ")
        assert (again.status_code, again.json()["number"]) == (200, 2)  # one place each
        tickets = {n: a.json()["ticket"] for n, a in zip(range(1, 6), answers, strict=True)}
        waiting = place(world, tickets[4])
        assert waiting.json()["state"] == "waiting"
        assert waiting["Retry-After"] == "2"
        assert Launch.objects.get(pk=launch.pk).status == "open"

        assert reserve(world, tickets[4]).json()["fields"] == {"ticket": ["waiting"]}
        assert reserve(world, tickets[1], quantity=2).json()["fields"] == {
            "quantity": ["over_limit"]
        }
        made = reserve(world, tickets[1], shopper_email="someone@else.com")
        assert made.status_code == 201, made.json()
        code = made.json()["code"]
        assert Reservation.objects.get(code=code).shopper_email == "s1@example.com"
        assert reserve(world, tickets[1]).json()["fields"] == {"ticket": ["used"]}
        assert place(world, tickets[1]).json() | {"ticket": None} == {
            "ticket": None,
            "number": 1,
            "state": "used",
            "position": 0,
            "retry_after": 0,
            "units": 1,
            "reserve_by": "2026-12-10T04:40:05Z",
            "reservation": code,
        }
        assert reserve(world, tickets[2], outlet="mumbai-1").status_code == 201
        gone = reserve(world, tickets[3], outlet="mumbai-1")  # Mumbai's one unit is taken
        assert (gone.status_code, gone.json()["fields"]) == (409, {"outlet": ["no_units"]})
        assert reserve(world, tickets[3], outlet="nowhere").status_code == 404
        assert place(world, tickets[4]).json()["position"] == 1  # nobody used #3's turn yet

    with time_machine.travel(START + datetime.timedelta(minutes=11), tick=False):
        assert reserve(world, tickets[3]).json()["fields"] == {"ticket": ["expired"]}
        tend_queues_task.delay()  # #3's turn passes to #4
        assert place(world, tickets[3]).json()["state"] == "expired"
        assert place(world, tickets[4]).json()["state"] == "admitted"
        assert place(world, tickets[5]).json()["state"] == "waiting"
        assert reserve(world, tickets[4]).status_code == 201
        assert place(world, tickets[5]).json()["state"] == "sold_out"  # 3 of 3 reserved
        # a launch reservation cancelled gives its unit back to the queue: #5 is admitted
        with django_capture_on_commit_callbacks(execute=True):
            reservations.cancel(reservation_id=Reservation.objects.get(code=code).pk)
        assert place(world, tickets[5]).json()["state"] == "admitted"
        assert reserve(world, tickets[5]).status_code == 201
        cancelled = Reservation.objects.get(code=code).pk
        assert queue.return_units(reservation_id=cancelled) == 0  # once only

    launch.refresh_from_db()
    assert (launch.units_total, launch.units_reserved, launch.units_held) == (3, 3, 0)
    assert sorted(launch.allocations.values_list("outlet__code", "taken")) == [
        ("mumbai-1", 1),
        ("pune-1", 2),
    ]
    levels = StockLevel.objects.filter(variant=world.variant)
    assert all(0 <= level.reserved <= level.on_hand for level in levels)
    assert sum(level.reserved for level in levels) == 3  # the cancelled one released


def test_a_ticket_cannot_be_forged_or_carried_to_another_launch(world, launch):
    with time_machine.travel(START + datetime.timedelta(seconds=1), tick=False):
        ticket = join(world, "s1@example.com").json()["ticket"]
        forged = ticket[:-2] + ("AA" if not ticket.endswith("AA") else "BB")
        for token in (forged, "", "not-a-ticket", "\x00" * 40, "é" * 300):
            answer = APIClient().get(url(world, "queue/"), HTTP_X_QUEUE_TICKET=token)
            assert answer.status_code == 403, token
            assert answer.json()["code"] == "ticket_invalid"
        from django.core import signing

        other = signing.dumps({"l": launch.pk + 1, "t": 1}, salt=queue.TICKET_SALT)
        assert place(world, other).status_code == 403
        for body in ({}, {"email": "not an address"}, {"email": ["a@b.c"]}):
            assert APIClient().post(url(world, "queue/"), body, format="json").status_code == 400
        assert APIClient().get("/api/v1/launches/aurora/nothing/queue/").status_code == 404


def test_the_queue_on_the_pages_without_javascript_and_with_htmx(world, launch):
    page_url = f"/launch/{world.brand.slug}/{world.product.slug}/"
    with time_machine.travel(START + datetime.timedelta(seconds=1), tick=False):
        for n in range(3):  # the units go to three who came first
            join(world, f"first{n}@example.com")
        shopper = Client(HTTP_ACCEPT_LANGUAGE="hi")
        assert shopper.get(f"{page_url}queue/").status_code == 302  # no ticket yet
        product_page = Client().get(f"/{world.brand.slug}/{world.product.slug}/").content.decode()
        assert 'data-testid="launch-queue"' in product_page
        assert "/reserve/pune-1/" not in product_page
        joined = shopper.post(page_url, {"email": "late@example.com"})
        assert joined.status_code == 302
        assert joined["Location"].endswith("/queue/")
        waiting = shopper.get(f"{page_url}queue/").content.decode()
        assert 'data-state="waiting"' in waiting
        assert 'http-equiv="refresh"' in waiting
        assert 'hx-trigger="every 2s"' in waiting
        english = Client()
        english.cookies = shopper.cookies
        in_english = english.get(f"{page_url}queue/").content.decode()
        assert "You are next in the queue." in in_english  # the first three are admitted
        join(world, "later@example.com")
        join(world, "latest@example.com")
        english.post(page_url, {"email": "latest@example.com"})
        in_english = english.get(f"{page_url}queue/").content.decode()
        assert "You are in the queue: 2 shoppers are ahead of you." in in_english
        partial = shopper.get(
            f"{page_url}queue/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-place"
        ).content.decode()
        assert partial.lstrip().startswith('<div id="queue-place"')
        assert "<html" not in partial

        admitted = Client()
        admitted.post(page_url, {"email": "first0@example.com"})  # the same place again
        form_page = admitted.get(f"{page_url}queue/").content.decode()
        assert 'data-testid="queue-admitted"' in form_page
        assert "Pune Mobiles" in form_page
        assert "Mumbai Mobiles" in form_page
        other_brand_outlet = OutletFactory(code="elsewhere-1")
        refused = admitted.post(
            f"{page_url}queue/",
            {
                "variant": world.variant.pk,
                "outlet": other_brand_outlet.code,
                "quantity": 1,
                "shopper_name": "Asha",
                "shopper_phone": "020 2612 3456",
            },
        )
        assert refused.status_code == 400
        assert "Select a valid choice" in refused.content.decode()
        wrong_variant = admitted.post(
            f"{page_url}queue/",
            {"variant": 999999, "outlet": "pune-1", "quantity": 1, "shopper_name": "A"},
        )
        assert wrong_variant.status_code == 400
        bad_phone = admitted.post(
            f"{page_url}queue/",
            {
                "variant": world.variant.pk,
                "outlet": "pune-1",
                "quantity": 1,
                "shopper_name": "Asha",
                "shopper_phone": "12",
            },
        )
        assert bad_phone.status_code == 400
        assert "Enter a phone number of India" in bad_phone.content.decode()
        made = admitted.post(
            f"{page_url}queue/",
            {
                "variant": world.variant.pk,
                "outlet": "pune-1",
                "quantity": 1,
                "shopper_name": "Asha",
                "shopper_phone": "020 2612 3456",
            },
        )
        assert made.status_code == 302
        receipt = admitted.get(made["Location"])
        assert receipt.status_code == 200
        assert "Pune Mobiles" in receipt.content.decode()
        used = admitted.get(f"{page_url}queue/").content.decode()
        assert 'data-state="used"' in used
        assert made["Location"] in used

        hindi = shopper.get(f"{page_url}queue/").content.decode()
        assert any("\u0900" <= c <= "\u097f" for c in hindi)


def test_dashboard_shows_the_queue_length_over_time(world, launch, django_user_model):
    from o2o.brands.models import BrandMembership

    for minute in range(3):
        with time_machine.travel(START + datetime.timedelta(minutes=minute, seconds=5)):
            for n in range(2):
                join(world, f"m{minute}n{n}@example.com")
            tend_queues_task.delay()
            tend_queues_task.delay()  # once a minute whatever the ticks
    assert list(QueueSample.objects.values_list("waiting", "admitted", "reserved")) == [
        (0, 2, 0),
        (1, 3, 0),
        (3, 3, 0),
    ]
    staff = django_user_model.objects.create_user("manager", password="a-long-password")
    staff.is_staff = True
    staff.save()
    BrandMembership.objects.create(user=staff, brand=world.brand, role="owner")
    client = Client()
    client.force_login(staff)
    page = client.get(f"/dashboard/{world.brand.slug}/").content.decode()
    section = page[page.index('data-testid="launch-queue-samples"') :].split("</table>")[0]
    assert "<td>3</td><td>3</td><td>0</td>" in section


def test_queue_reads_cost_the_same_queries_for_any_number_of_tickets(
    world, launch, django_assert_max_num_queries
):
    with time_machine.travel(START + datetime.timedelta(seconds=1), tick=False):
        tickets = [join(world, f"q{n}@example.com").json()["ticket"] for n in range(40)]
        # the launch only: a ticket still waiting by its counters is not read
        with django_assert_max_num_queries(1):
            assert place(world, tickets[-1]).json()["position"] == 37
        with django_assert_max_num_queries(2):  # the launch and the ticket, once admitted
            assert place(world, tickets[0]).json()["state"] == "admitted"
        with django_assert_max_num_queries(6):
            assert APIClient().get(url(world)).json()["waiting"] == 37
        with django_assert_max_num_queries(12):
            assert join(world, "q0@example.com").status_code == 200
        assert QueueTicket.objects.filter(launch=launch).count() == 40


def test_brand_staff_put_units_aside_only_at_their_own_partner_outlets(db):
    from tests.admin.tenancy_world import build, login
    from tests.launches.test_launch_day import allocations

    tenancy = build()
    launch = Launch.objects.get(brand=tenancy.sides[0][1])
    ours, theirs = tenancy.sides[0][2], tenancy.sides[1][2]
    staff = login(tenancy, "x_manager")
    change = f"/admin/launches/launch/{launch.pk}/change/"
    page = staff.get(change).content.decode()
    inline = page[page.index('id="allocations-group"') :]
    assert f'value="{ours.pk}"' in inline
    assert f'value="{theirs.pk}"' not in inline
    form = {
        "product": launch.product.pk,
        "starts_at_0": launch.starts_at.strftime("%Y-%m-%d"),
        "starts_at_1": launch.starts_at.strftime("%H:%M:%S"),
        "timezone": "Asia/Kolkata",
        "per_shopper_limit": 2,
        "admission_minutes": 10,
        "admit_per_second": 50,
    }
    refused = staff.post(change, {**form, **allocations((theirs.pk, 5))})
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    assert not launch.allocations.exists()
    saved = staff.post(change, {**form, **allocations((ours.pk, 5))})
    assert saved.status_code == 302
    launch.refresh_from_db()
    assert (launch.units_total, launch.per_shopper_limit) == (5, 2)
    assert list(launch.allocations.values_list("outlet_id", "units")) == [(ours.pk, 5)]
    with pytest.raises(queue.QueueError):  # the service refuses a stranger too
        queue.set_allocations(launch=launch, units={theirs.pk: 1})
    allocation = launch.allocations.get()
    type(allocation).objects.filter(pk=allocation.pk).update(taken=3)  # 3 reserved there
    fewer = {
        **form,
        "allocations-TOTAL_FORMS": "1",
        "allocations-INITIAL_FORMS": "1",
        "allocations-MIN_NUM_FORMS": "0",
        "allocations-MAX_NUM_FORMS": "1000",
        "allocations-0-id": str(allocation.pk),
        "allocations-0-launch": str(launch.pk),
        "allocations-0-outlet": str(ours.pk),
        "allocations-0-units": "2",
    }
    refused = staff.post(change, fewer)
    assert refused.status_code == 200  # beside the field, nothing saved
    assert "3 units are reserved here already" in refused.content.decode()
    assert launch.allocations.get().units == 5
    assert login(tenancy, "y_analyst").get(change).status_code == 404


def test_turns_start_no_faster_than_the_launchs_outflow_rate(world, launch):
    Launch.objects.filter(pk=launch.pk).update(admit_per_second=2)
    queue.set_allocations(launch=launch, units={world.outlet.pk: 5})  # 6 units in all
    at = START + datetime.timedelta(seconds=1)
    with time_machine.travel(at, tick=False):
        answers = [join(world, f"r{n}@example.com").json() for n in range(1, 6)]
        assert [a["state"] for a in answers] == ["admitted"] * 2 + ["waiting"] * 3
        assert place(world, answers[2]["ticket"]).json()["position"] == 1
    with time_machine.travel(at + datetime.timedelta(milliseconds=500), tick=False):
        # half a second: one more turn, started by the first poll that finds it due
        assert place(world, answers[4]["ticket"]).json()["position"] == 2
        assert place(world, answers[2]["ticket"]).json()["state"] == "admitted"
        assert place(world, answers[3]["ticket"]).json()["state"] == "waiting"
    with time_machine.travel(at + datetime.timedelta(seconds=5), tick=False):
        # five seconds later the bucket holds a second's worth, not five: a newcomer's join
        # starts the turns of the two before it, and waits
        assert join(world, "r6@example.com").json()["state"] == "waiting"
        assert place(world, answers[3]["ticket"]).json()["state"] == "admitted"
        assert place(world, answers[4]["ticket"]).json()["state"] == "admitted"
    launch.refresh_from_db()
    assert (launch.admitted_through, launch.units_held, launch.tickets_issued) == (5, 5, 6)


def test_a_deleted_launch_leaves_its_product_reservable_as_any_other(world, launch, admin_client):
    with time_machine.travel(START + datetime.timedelta(seconds=1), tick=False):
        join(world, "s1@example.com")  # opens it: the product is published
        body = api_reservation(world, shopper_email="later@example.com")
        assert APIClient().post("/api/v1/reservations/", body, format="json").status_code == 400
        deleted = admin_client.post(f"/admin/launches/launch/{launch.pk}/delete/", {"post": "yes"})
        assert deleted.status_code == 302
        assert not Launch.objects.exists()
        assert Product.objects.get(pk=world.product.pk).queue_until is None
        made = APIClient().post("/api/v1/reservations/", body, format="json")
        assert made.status_code == 201


def test_a_waiting_ticket_learns_its_turn_from_the_counters_and_old_tokens_still_work(
    world, launch, django_assert_max_num_queries
):
    from django.core import signing

    with time_machine.travel(START + datetime.timedelta(seconds=1), tick=False):
        tokens = [join(world, f"w{n}@example.com").json()["ticket"] for n in range(5)]
        assert [place(world, t).json()["state"] for t in tokens] == ["admitted"] * 3 + [
            "waiting"
        ] * 2
        fourth = QueueTicket.objects.get(launch=launch, number=4)
        # a token signed before tokens carried the number is read from its row
        old = signing.dumps({"l": launch.pk, "t": fourth.pk}, salt=queue.TICKET_SALT)
        assert place(world, old).json() | {"ticket": ""} == place(world, tokens[3]).json() | {
            "ticket": ""
        }
        assert place(world, old).json()["position"] == 1
        assert reserve(world, tokens[0]).status_code == 201
    with time_machine.travel(START + datetime.timedelta(minutes=12), tick=False):
        assert queue.expire_admissions() == 2  # #2 and #3 did not reserve: #4's turn
        answer = place(world, tokens[3]).json()
        assert (answer["number"], answer["state"], answer["units"]) == (4, "admitted", 1)
        assert answer["reserve_by"] is not None
        # the ticket read once (under its lock, with its launch), the launch's counters once
        with django_assert_max_num_queries(19):
            assert reserve(world, tokens[3]).status_code == 201
        # a forged number is refused: the token is signed
        forged = signing.dumps({"l": launch.pk, "t": fourth.pk, "n": 99}, salt="another")
        assert place(world, forged).status_code == 403


def test_turns_start_in_batches_of_a_quarter_second_at_the_outflow_rate(world, launch):
    from o2o.outlets.models import Outlet

    mumbai = Outlet.objects.get(code="mumbai-1")
    queue.set_allocations(launch=launch, units={world.outlet.pk: 100, mumbai.pk: 1})
    assert Launch.objects.get(pk=launch.pk).admit_per_second == 50
    moment = START + datetime.timedelta(seconds=1)
    with time_machine.travel(moment, tick=False):
        answers = [join(world, f"b{n}@example.com").json() for n in range(48)]
    # a full bucket holds a second's turns (50): each join lets itself in while a quarter
    # of a second's (12) are left, so the 39th is the last let in at this instant
    assert [a["state"] for a in answers] == ["admitted"] * 39 + ["waiting"] * 9
    assert [a["position"] for a in answers[39:]] == list(range(1, 10))
    with time_machine.travel(moment + datetime.timedelta(milliseconds=10), tick=False):
        assert place(world, answers[39]["ticket"]).json()["state"] == "waiting"  # 11.5 turns
    with time_machine.travel(moment + datetime.timedelta(milliseconds=30), tick=False):
        # 12.5 turns: the nine waiting are let in at once, by the first to ask
        assert place(world, answers[47]["ticket"]).json()["state"] == "admitted"
        assert all(
            place(world, answer["ticket"]).json()["state"] == "admitted" for answer in answers[39:]
        )
    launch.refresh_from_db()
    assert (launch.admitted_through, launch.units_held) == (48, 48)


def test_a_launch_deleted_while_a_shopper_joins_is_a_closed_queue(world, launch):
    """The shopper's request read the launch, then staff deleted it: a 409, not a 500."""
    with time_machine.travel(START + datetime.timedelta(minutes=1), tick=False):
        read = Launch.objects.get(pk=launch.pk)
        Launch.objects.filter(pk=launch.pk).delete()
        with pytest.raises(queue.QueueError) as refused:
            queue.join(launch=read, email="asha@example.com", language="en", ip=None)
    assert refused.value.status == 409
    assert refused.value.details == {"queue": ["closed"]}
    assert not QueueTicket.objects.exists()
