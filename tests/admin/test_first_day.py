"""A partner's first day: approved and imported shops are ready to count, their owners are
invited in their language, and a shop's hours are typed as people write them."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from o2o.catalogue.models import Variant
from o2o.inventory.models import StockLevel
from o2o.outlets.models import Outlet, OutletApplication, OutletImport, RetailerMembership
from tests.admin.tenancy_world import build, login
from tests.admin.test_onboarding import apply
from tests.factories import VariantFactory


@pytest.fixture
def world(db):
    return build()


def approve(world, application, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        login(world, "x_manager").post(
            "/admin/outlets/outletapplication/",
            {"action": "approve", "_selected_action": [application.pk]},
        )
    application.refresh_from_db()
    assert application.status == "approved"
    return application.outlet


def test_an_approved_outlet_starts_with_its_brands_items_at_zero(
    world, django_capture_on_commit_callbacks
):
    brand = world.sides[0][1]
    product = Variant.objects.filter(brand=brand).first().product
    VariantFactory(product=product, sku="X-EXTRA-1")
    VariantFactory(product=product, sku="X-RETIRED", is_active=False)
    apply(Client(), brand)
    outlet = approve(
        world,
        OutletApplication.objects.get(outlet_name="Lakshmi Telecom Aundh"),
        django_capture_on_commit_callbacks,
    )
    listed = StockLevel.objects.filter(outlet=outlet)
    active = Variant.objects.filter(brand=brand, is_active=True)
    assert set(listed.values_list("variant_id", flat=True)) == set(
        active.values_list("pk", flat=True)
    )
    assert set(listed.values_list("on_hand", "reserved")) == {(0, 0)}
    assert not listed.filter(variant__brand=world.sides[1][1]).exists()  # no other brand's
    assert str(outlet.timezone) == "Asia/Kolkata"
    # the new owner, once in, finds them in the stock list, ready to count
    invitation = next(m for m in mail.outbox if "lakshmi@telecom.example" in m.to)
    link = re.search(r"/accounts/invitation/[^\s]+", invitation.body)[0]
    owner = Client()
    owner.post(link, {"new_password1": "Rain-Forest-2026", "new_password2": "Rain-Forest-2026"})
    assert owner.login(username="lakshmi@telecom.example", password="Rain-Forest-2026")
    found = owner.get("/admin/inventory/stocklevel/", {"q": "X-EXTRA-1"}).content.decode()
    retired = owner.get("/admin/inventory/stocklevel/", {"q": "X-RETIRED"}).content.decode()
    assert "1 result" in found
    assert "0 results" in retired


def test_an_approved_shop_in_china_keeps_china_time(world, django_capture_on_commit_callbacks):
    brand = world.sides[0][1]
    apply(
        Client(),
        brand,
        city="Shanghai",
        country="CN",
        latitude="31.2304",
        longitude="121.4737",
        postcode="200000",
        phone="+86 21 5555 0000",
        tax_id="91310000MA1FL0000X",
    )
    application = OutletApplication.objects.get(outlet_name="Lakshmi Telecom Aundh")
    approved = approve(world, application, django_capture_on_commit_callbacks)
    assert str(approved.timezone) == "Asia/Shanghai"
    assert str(approved.phone) == "+862155550000"  # stored in E.164


HEADER = (
    "outlet_code,name,address,city,postcode,country,latitude,longitude,phone,retailer,"
    "retailer_email,tax_id,hours,timezone,language\n"
)


def run_import(world, text, django_capture_on_commit_callbacks, language="en"):
    client = login(world, "x_manager")
    brand = world.sides[0][1]
    response = client.post(
        "/admin/outlets/outletimport/add/",
        {"brand": brand.pk, "file": SimpleUploadedFile("shops.csv", text.encode())},
        headers={"Accept-Language": language},
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], {"start": "1"})
    return OutletImport.objects.latest("pk"), client.get(response["Location"]).content.decode()


def test_imported_owners_are_invited_once_in_their_language(
    world, django_capture_on_commit_callbacks
):
    rows = (
        "imp-1,Shop 1,1 Road,Pune,411001,IN,18.52,73.85,,Chain One,one@chain.example,,"
        '"Mon-Sat 10:00-21:00; Sun closed",,hi\n'
        "imp-2,Shop 2,2 Road,Pune,411001,IN,18.53,73.86,,Chain One,one@chain.example,,,,hi\n"
        "imp-3,Shop 3,3 Road,Shanghai,200000,CN,31.23,121.47,,Chain Two,two@chain.example,,"
        "Daily 09:00-22:00,,zh-hans\n"
        "imp-4,Shop 4,4 Road,Pune,,IN,18.5,73.8,,Chain Three,,,,,\n"  # no e-mail: no invite
    )
    import_, _report = run_import(world, HEADER + rows, django_capture_on_commit_callbacks)
    assert (import_.status, import_.outlets_created) == ("done", 4)
    one = [m for m in mail.outbox if m.to == ["one@chain.example"]]
    two = [m for m in mail.outbox if m.to == ["two@chain.example"]]
    assert len(one) == 1
    assert len(two) == 1
    assert "/accounts/invitation/" in one[0].body
    assert not one[0].subject.isascii()
    assert "o2o" in two[0].subject
    assert not two[0].subject.isascii()
    membership = RetailerMembership.objects.get(user__email="one@chain.example")
    assert membership.role == "owner"
    assert membership.accepted_at is None
    first = Outlet.objects.get(code="imp-1")
    assert first.hours.describe_plain() == "Mon-Sat 10:00-21:00; Sun closed"
    assert str(first.timezone) == "Asia/Kolkata"
    assert str(Outlet.objects.get(code="imp-3").timezone) == "Asia/Shanghai"
    assert not Outlet.objects.get(code="imp-4").hours.known


def test_bad_hours_zones_and_languages_are_refused_per_row(
    world, django_capture_on_commit_callbacks
):
    rows = (
        "ok-1,Shop 1,1 Road,Pune,,IN,18.52,73.85,,Chain,,,Mon-Fri 10:00-20:00,,\n"
        "bad-1,Shop 2,2 Road,Pune,,IN,18.52,73.85,,Chain,,,Mon 10:00-26:00,,\n"
        "bad-2,Shop 3,3 Road,Pune,,IN,18.52,73.85,,Chain,,,,Mars/Olympus,\n"
        "bad-3,Shop 4,4 Road,Pune,,IN,18.52,73.85,,Chain,,,,,klingon\n"
    )
    import_, report = run_import(world, HEADER + rows, django_capture_on_commit_callbacks)
    assert (import_.outlets_created, import_.rows_rejected) == (1, 3)
    assert "hours: “26:00” is not a time like 09:30." in report
    assert "timezone: “Mars/Olympus” is not a known time zone." in report
    assert "language must be one of" in report
    assert list(
        Outlet.objects.filter(code__in=["ok-1", "bad-1", "bad-2", "bad-3"]).values_list(
            "code", flat=True
        )
    ) == ["ok-1"]


def test_the_owner_types_the_hours_and_a_mistake_is_a_form_error(world):
    outlet = Outlet.objects.filter(retailer__name="Shop A").get()
    client = login(world, "a_owner")
    url = f"/admin/outlets/outlet/{outlet.pk}/change/"
    form = client.get(url).content.decode()
    assert 'name="weekly_hours"' in form
    assert 'name="timezone"' in form
    data = {
        "name": outlet.name,
        "address": outlet.address,
        "phone": "",
        "weekly_hours": "Mon-Sat 10:00-13:00, 14:00-21:00; Sun closed",
        "timezone": "Asia/Kolkata",
        "offers_pickup": "on",
        "delivery_radius_km": "0",
        "status": "active",
        "authorizations-TOTAL_FORMS": "0",
        "authorizations-INITIAL_FORMS": "0",
    }
    assert client.post(url, data).status_code == 302
    outlet.refresh_from_db()
    assert outlet.weekly_hours[0] == [["10:00", "13:00"], ["14:00", "21:00"]]
    assert outlet.weekly_hours[6] == []
    again = client.get(url).content.decode()
    assert "Mon-Sat 10:00-13:00, 14:00-21:00; Sun closed" in again  # shown as typed
    wrong = client.post(url, {**data, "weekly_hours": "Mon 9-5", "timezone": "Asia/Nowhere"})
    page = wrong.content.decode()
    assert wrong.status_code == 200
    assert "is not a time like 09:30" in page
    assert "Select a valid choice. Asia/Nowhere is not one of the available choices." in page
    outlet.refresh_from_db()
    assert outlet.weekly_hours[0] == [["10:00", "13:00"], ["14:00", "21:00"]]  # kept
    # the shop's staff read the hours as text, not JSON
    staff = login(world, "a_staff").get(url).content.decode()
    assert "Mon–Sat 10:00–13:00, 14:00–21:00; Sun closed" in staff
    assert "[[" not in staff


@pytest.mark.parametrize(
    ("language", "subject", "body"),
    [("hi", "को आपका आवेदन", "स्वीकार नहीं कर सकता"), ("zh-hans", "提交的申请", "暂时无法接受")],
)
def test_a_decision_reaches_the_applicant_in_their_language(
    world, django_capture_on_commit_callbacks, language, subject, body
):
    brand = world.sides[0][1]
    apply(Client(HTTP_ACCEPT_LANGUAGE=language), brand)
    application = OutletApplication.objects.get(outlet_name="Lakshmi Telecom Aundh")
    assert application.language == language
    with django_capture_on_commit_callbacks(execute=True):
        login(world, "x_manager").post(
            "/admin/outlets/outletapplication/",
            {
                "action": "reject",
                "_selected_action": [application.pk],
                "note": "Too close to another partner.",
            },
        )
    sent = [m for m in mail.outbox if m.to == ["lakshmi@telecom.example"]][-1]
    assert subject in sent.subject
    assert body in sent.body
    assert "Too close to another partner." in sent.body


def test_an_approved_applicant_is_invited_in_their_language(
    world, django_capture_on_commit_callbacks
):
    brand = world.sides[0][1]
    apply(Client(HTTP_ACCEPT_LANGUAGE="zh-hans"), brand)
    approve(
        world,
        OutletApplication.objects.get(outlet_name="Lakshmi Telecom Aundh"),
        django_capture_on_commit_callbacks,
    )
    sent = [m for m in mail.outbox if m.to == ["lakshmi@telecom.example"]][-1]
    assert "您受邀加入" in sent.subject
    assert "请在此接受邀请" in sent.body
