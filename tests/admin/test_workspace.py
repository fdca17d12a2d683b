"""The retailer's workspace: stock edits, counts, export, import, reservations, team, home."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from o2o.inventory.models import StockLevel, StockMovement, SyncRun
from o2o.reservations import services as reservations
from o2o.reservations.models import Reservation, ReservationEvent
from tests.admin.tenancy_world import PASSWORD, build, login

AN_HOUR_AGO = (timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S")
SHOPPER = {"shopper_name": "P", "shopper_email": "p@example.com", "shopper_phone": "+91 9000000000"}


@pytest.fixture
def world(db):
    return build()


def side_a(world):
    retailer, brand, outlet, variant, reservation = world.sides[0]
    return retailer, brand, outlet, variant, reservation


def changelist_edit(client, level, on_hand):
    return client.post(
        "/admin/inventory/stocklevel/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-id": str(level.pk),
            "form-0-on_hand": str(on_hand),
            "_save": "Save",
        },
    )


def test_inline_stock_edit_goes_through_the_service(world):
    _retailer, _brand, outlet, variant, _reservation = side_a(world)
    level = StockLevel.objects.get(outlet=outlet, variant=variant)  # 10 on hand, 1 held
    client = login(world, "a_staff")
    response = changelist_edit(client, level, 7)
    assert response.status_code == 302
    level.refresh_from_db()
    assert level.on_hand == 7
    movement = StockMovement.objects.get(reason="adjustment")
    assert (movement.on_hand_delta, movement.user) == (-3, world.users["a_staff"])

    refused = changelist_edit(client, level, 0)
    assert refused.status_code == 200
    assert "1 units are held for reservations" in refused.content.decode()
    level.refresh_from_db()
    assert level.on_hand == 7


def test_brand_staff_cannot_edit_stock(world):
    _retailer, _brand, outlet, variant, _reservation = side_a(world)
    level = StockLevel.objects.get(outlet=outlet, variant=variant)
    client = login(world, "x_manager")
    assert (
        'name="form-0-on_hand"' not in client.get("/admin/inventory/stocklevel/").content.decode()
    )
    changelist_edit(client, level, 3)
    level.refresh_from_db()
    assert level.on_hand == 10


def test_stock_count_of_a_whole_outlet(world, django_capture_on_commit_callbacks):
    _retailer, _brand, outlet, variant, _reservation = side_a(world)
    level = StockLevel.objects.get(outlet=outlet, variant=variant)
    client = login(world, "a_owner")
    page = client.get(f"/admin/inventory/stocklevel/count/{outlet.pk}/")
    assert page.status_code == 200
    assert variant.sku in page.content.decode()
    below = client.post(
        f"/admin/inventory/stocklevel/count/{outlet.pk}/", {f"count_{level.pk}": "0"}
    )
    assert below.status_code == 200  # 1 unit is held: the form refuses 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/inventory/stocklevel/count/{outlet.pk}/", {f"count_{level.pk}": "4"}
        )
    assert response.status_code == 302
    run = SyncRun.objects.get(source="count")
    assert (run.status, run.created_by) == ("applied", world.users["a_owner"])
    level.refresh_from_db()
    assert level.on_hand == 4
    other_outlet = world.sides[1][2]
    assert client.get(f"/admin/inventory/stocklevel/count/{other_outlet.pk}/").status_code == 404
    brand_staff = login(world, "x_manager")
    assert brand_staff.get(f"/admin/inventory/stocklevel/count/{outlet.pk}/").status_code == 403


def test_export_contains_only_the_tenants_stock(world):
    client = login(world, "a_owner")
    page = client.get("/admin/inventory/stocklevel/export/")
    assert page.status_code == 200
    fields = dict.fromkeys(
        re.findall(r'name="(stocklevelresource_[a-z_]+)"', page.content.decode()), "on"
    )
    response = client.post(
        "/admin/inventory/stocklevel/export/",
        {"format": "0", "resource": "0", **fields, "export_items": []},
    )
    assert response.status_code == 200, response.content[:500]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["outlet"] for row in rows] == [world.sides[0][2].code]
    assert rows[0]["sku"] == world.sides[0][3].sku


def test_import_of_good_and_bad_rows_by_a_retailer(world, django_capture_on_commit_callbacks):
    retailer, _brand, outlet, variant, _reservation = side_a(world)
    client = login(world, "a_staff")
    content = (
        f"outlet,sku,on_hand\n{outlet.code},{variant.sku},12\n"
        f"{outlet.code},NOPE,1\n{world.sides[1][2].code},{variant.sku},5\n"
    ).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/inventory/syncrun/upload/",
            {
                "file": SimpleUploadedFile("count.csv", content),
                "retailer": retailer.pk,
                "as_of": AN_HOUR_AGO,
            },
        )
    assert response.status_code == 302, response.context["form"].errors
    run = SyncRun.objects.get(source="file")
    assert (run.rows_applied, run.rows_rejected) == (1, 2)
    detail = client.get(response["Location"]).content.decode()
    assert "unknown SKU" in detail
    assert "unknown outlet" in detail
    assert StockLevel.objects.get(outlet=outlet, variant=variant).on_hand == 12
    other = client.post(
        "/admin/inventory/syncrun/upload/",
        {
            "file": SimpleUploadedFile("count.csv", content),
            "retailer": world.sides[1][0].pk,
            "as_of": AN_HOUR_AGO,
        },
    )
    assert other.status_code == 200
    assert "Select a valid choice" in other.content.decode()


def test_reservation_actions_notify_and_survive_double_clicks(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    reservation = side_a(world)[4]
    client = login(world, "a_staff")
    mailoutbox.clear()
    for _click in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/admin/reservations/reservation/",
                {"action": "confirm", "_selected_action": [reservation.pk]},
                follow=True,
            )
    assert "already done" in response.content.decode()
    reservation.refresh_from_db()
    assert reservation.status == "confirmed"
    assert len(mailoutbox) == 1
    event = ReservationEvent.objects.filter(reservation=reservation).last()
    assert (event.to_status, event.user) == ("confirmed", world.users["a_staff"])


def test_collect_by_pickup_code(world, django_capture_on_commit_callbacks):
    _retailer, _brand, outlet, variant, reservation = side_a(world)
    reservations.confirm(reservation_id=reservation.pk)
    client = login(world, "a_staff")
    wrong = client.post("/admin/reservations/reservation/collect/", {"code": "NOPE123456"})
    assert "No reservation with this pickup code" in wrong.content.decode()
    other = world.sides[1][4]
    foreign = client.post("/admin/reservations/reservation/collect/", {"code": other.code})
    assert "No reservation with this pickup code" in foreign.content.decode()
    ok = client.post(
        "/admin/reservations/reservation/collect/", {"code": reservation.code.lower()}, follow=True
    )
    assert "collected" in ok.content.decode()
    level = StockLevel.objects.get(outlet=outlet, variant=variant)
    assert (level.on_hand, level.reserved) == (9, 0)
    again = client.post("/admin/reservations/reservation/collect/", {"code": reservation.code})
    assert "cannot become collected" in again.content.decode()
    assert StockLevel.objects.get(pk=level.pk).on_hand == 9


def test_decline_with_a_reason(world, mailoutbox, django_capture_on_commit_callbacks):
    _retailer, _brand, _outlet, _variant, reservation = side_a(world)
    client = login(world, "a_owner")
    form = client.post(
        "/admin/reservations/reservation/",
        {"action": "decline_with_reason", "_selected_action": [reservation.pk]},
    )
    assert "Reason, told to the shopper" in form.content.decode()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/reservations/reservation/",
            {
                "action": "decline_with_reason",
                "_selected_action": [reservation.pk],
                "reason": "Display unit only",
            },
        )
    reservation.refresh_from_db()
    assert (reservation.status, reservation.decline_reason) == ("declined", "Display unit only")
    assert len(mailoutbox) == 1


def test_owner_invites_and_removes_staff(world, django_capture_on_commit_callbacks):
    retailer = side_a(world)[0]
    owner = login(world, "a_owner")
    assert (
        "Invite staff"
        in owner.get(f"/admin/outlets/retailer/{retailer.pk}/change/").content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(
            f"/admin/outlets/retailer/{retailer.pk}/invite/",
            {"email": "New.Hire@Shop.example", "role": "staff"},
        )
    assert response.status_code == 302
    link = re.search(r"http://\S+/accounts/invitation/\S+/", mail.outbox[-1].body).group(0)
    newcomer = Client()
    form_url = link.removeprefix("http://127.0.0.1:8000")
    assert "Join" in newcomer.get(form_url).content.decode()
    done = newcomer.post(
        form_url, {"new_password1": "a-long-new-pass-2026", "new_password2": "a-long-new-pass-2026"}
    )
    assert done.status_code == 302
    assert newcomer.post(form_url, {}).status_code == 410  # the link works once
    hire = Client()
    assert hire.login(username="new.hire@shop.example", password="a-long-new-pass-2026")
    assert hire.get("/admin/reservations/reservation/").status_code == 200

    again = owner.post(
        f"/admin/outlets/retailer/{retailer.pk}/invite/",
        {"email": "new.hire@shop.example", "role": "staff"},
    )
    assert "already in the team" in again.content.decode()
    staff = login(world, "a_staff")
    assert staff.get(f"/admin/outlets/retailer/{retailer.pk}/invite/").status_code == 403


def test_workspace_home_shows_what_to_handle(world):
    client = login(world, "a_staff")
    page = client.get("/admin/").content.decode()
    assert "Open reservations" in page
    assert "Low stock items" in page
    assert world.sides[0][4].code in page
    assert world.sides[1][4].code not in page
    brand = login(world, "x_manager").get("/admin/").content.decode()
    assert "Applications to review" in brand
    assert "Low stock items" not in brand


def test_brand_manager_fk_choices_are_scoped(world):
    client = login(world, "x_manager")
    page = client.get("/admin/catalogue/product/add/").content.decode()
    assert "X Phones" in page
    assert "Y Phones" not in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_collected_clicks_collect_once():
    import threading

    from django.db import connection

    world = build()
    _retailer, _brand, outlet, variant, reservation = world.sides[0]
    reservations.confirm(reservation_id=reservation.pk)
    barrier = threading.Barrier(6)

    def click():
        try:
            client = login(world, "a_staff")
            barrier.wait()
            client.post(
                "/admin/reservations/reservation/",
                {"action": "collect", "_selected_action": [reservation.pk]},
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    level = StockLevel.objects.get(outlet=outlet, variant=variant)
    assert (level.on_hand, level.reserved) == (9, 0)
    assert Reservation.objects.get(pk=reservation.pk).status == "collected"
    assert StockMovement.objects.filter(reason="sale", reference=reservation.code).count() == 1


def test_owner_removes_staff_but_not_the_last_owner(world):
    from o2o.outlets.models import RetailerMembership

    retailer = side_a(world)[0]
    owner = login(world, "a_owner")
    memberships = list(RetailerMembership.objects.filter(retailer=retailer).order_by("pk"))
    data = {
        "name": retailer.name,
        "slug": retailer.slug,
        "contact_email": "",
        "memberships-TOTAL_FORMS": str(len(memberships)),
        "memberships-INITIAL_FORMS": str(len(memberships)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for index, membership in enumerate(memberships):
        data[f"memberships-{index}-id"] = str(membership.pk)
        data[f"memberships-{index}-retailer"] = str(retailer.pk)
        data[f"memberships-{index}-DELETE"] = "on"  # try to remove everyone, owner included
    response = owner.post(f"/admin/outlets/retailer/{retailer.pk}/change/", data, follow=True)
    assert "The last owner cannot be removed." in response.content.decode()
    remaining = RetailerMembership.objects.filter(retailer=retailer)
    assert list(remaining.values_list("user__username", flat=True)) == ["a-owner"]
    staff = world.users["a_staff"]
    staff.refresh_from_db()
    assert not staff.is_staff  # no team left: no admin access
    former = Client()
    former.login(username="a-staff", password=PASSWORD)
    assert former.get("/admin/").status_code == 302


def test_stock_page_shows_who_changed_what(world):
    _retailer, _brand, outlet, variant, _reservation = side_a(world)
    level = StockLevel.objects.get(outlet=outlet, variant=variant)
    client = login(world, "a_staff")
    changelist_edit(client, level, 8)
    page = client.get(f"/admin/inventory/stocklevel/{level.pk}/change/").content.decode()
    assert "Adjustment" in page
    assert "a-staff" in page
    assert "-2 on hand" in page
    assert "Held for a reservation" in page


@pytest.mark.parametrize("extra", [0, 20])
def test_workspace_lists_run_a_bounded_number_of_queries(
    world, extra, django_assert_max_num_queries
):
    from tests.factories import OutletFactory, VariantFactory, authorise, stock

    retailer, brand, outlet, variant, _reservation = side_a(world)
    for _ in range(extra):
        other = OutletFactory(retailer=retailer)
        authorise(other, brand)
        stock(other, VariantFactory(product=variant.product), 3)
        if StockLevel.objects.get(outlet=outlet, variant=variant).available:
            reservations.reserve(outlet=outlet, variant=variant, quantity=1, **SHOPPER)
    client = login(world, "a_owner")
    for path in (
        "/admin/inventory/stocklevel/",
        "/admin/reservations/reservation/",
        "/admin/inventory/syncrun/",
        "/admin/",
        "/admin/inventory/stockmovement/",
    ):
        with django_assert_max_num_queries(22):
            assert client.get(path).status_code == 200
