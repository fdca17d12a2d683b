"""Phones in E.164 read in the shop's own country, countries by ISO code, time zones as zones:
through the admin, the storefront, the API, the partner form, the outlet import, and the data
migrations that converted what was stored before."""

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from o2o.core.models import User
from o2o.outlets.models import Outlet, OutletApplication, OutletImport
from o2o.reservations.models import Reservation
from tests.admin.tenancy_world import build, login
from tests.factories import (
    OutletFactory,
    api_reservation,
    authorise,
    page_reservation,
    stock,
)

SHANGHAI = (31.2304, 121.4737)


@pytest.fixture
def shanghai(world):
    outlet = OutletFactory(
        code="sh-1",
        city="Shanghai",
        country="CN",
        latitude=SHANGHAI[0],
        longitude=SHANGHAI[1],
        timezone="Asia/Shanghai",
        phone="+86 21 5555 0000",
    )
    authorise(outlet, world.brand)
    stock(outlet, world.variant, 5)
    return outlet


def test_a_shopper_types_the_number_as_the_shops_country_writes_it(client, world, shanghai):
    reserve = f"/reserve/sh-1/{world.variant.pk}/"
    page = client.get(reserve).content.decode()
    assert 'type="tel"' in page
    assert 'name="shopper_phone"' in page
    wrong = client.post(reserve, page_reservation(shopper_phone="12345"))
    assert wrong.status_code == 400
    assert "Enter a phone number of China, e.g. 010 1234 5678" in wrong.content.decode()
    assert not Reservation.objects.exists()
    assert client.post(reserve, page_reservation(shopper_phone="138 0000 0000")).status_code == 302
    # the same digits at the Indian shop are not an Indian number
    india = client.post(
        f"/reserve/pune-1/{world.variant.pk}/", page_reservation(shopper_phone="138 0000 0000")
    )
    assert "Enter a phone number of India" in india.content.decode()
    # a number given with its country code is read as that country's, wherever the shop is
    assert (
        client.post(
            f"/reserve/pune-1/{world.variant.pk}/",
            page_reservation(shopper_phone="+86 138 0000 0001", shopper_email="b@example.com"),
        ).status_code
        == 302
    )
    assert sorted(str(r.shopper_phone) for r in Reservation.objects.all()) == [
        "+8613800000000",
        "+8613800000001",
    ]


def test_the_api_refuses_a_number_of_no_country_with_a_field_error(world, shanghai):
    api = APIClient()
    bad = api.post(
        "/api/v1/reservations/",
        api_reservation(world, outlet="sh-1", shopper_phone="98123 45678"),
        format="json",
    )
    assert bad.status_code == 400
    body = bad.json()
    assert body["code"] == "invalid_phone"
    assert "China" in body["fields"]["shopper_phone"][0]
    assert not Reservation.objects.exists()
    ok = api.post(
        "/api/v1/reservations/",
        api_reservation(world, shopper_phone="98123 45678"),  # at the Pune shop: Indian
        format="json",
    )
    assert ok.status_code == 201
    assert str(Reservation.objects.get().shopper_phone) == "+919812345678"


def test_the_shop_page_shows_the_national_form_and_dials_the_full_number(client, world, shanghai):
    page = client.get("/aurora/aurora-12/?lat=31.23&lng=121.47").content.decode()
    assert '<a href="tel:+86-21-5555-0000">021 5555 0000</a>' in page


@pytest.fixture
def tenancy(db):
    return build()


def change_data(outlet, **changes):
    return {
        "name": outlet.name,
        "address": outlet.address,
        "phone": "",
        "weekly_hours": "",
        "timezone": str(outlet.timezone),
        "offers_pickup": "on",
        "delivery_radius_km": "0",
        "status": "active",
        "authorizations-TOTAL_FORMS": "0",
        "authorizations-INITIAL_FORMS": "0",
        **changes,
    }


def test_the_owner_types_the_shops_number_at_home_and_it_is_stored_in_e164(tenancy):
    outlet = Outlet.objects.filter(retailer__name="Shop A").get()
    client = login(tenancy, "a_owner")
    url = f"/admin/outlets/outlet/{outlet.pk}/change/"
    assert client.post(url, change_data(outlet, phone="020 2612 3456")).status_code == 302
    outlet.refresh_from_db()
    assert str(outlet.phone) == "+912026123456"
    form = client.get(url).content.decode()
    assert 'value="020 2612 3456"' in form
    assert 'type="tel"' in form
    wrong = client.post(url, change_data(outlet, phone="021 5555"))
    assert wrong.status_code == 200
    assert "Enter a phone number of India" in wrong.content.decode()
    outlet.refresh_from_db()
    assert str(outlet.phone) == "+912026123456"  # kept
    zone = client.post(url, change_data(outlet, timezone="Asia/Kolkata; DROP"))
    assert "Select a valid choice" in zone.content.decode()
    assert client.post(url, change_data(outlet, timezone="Asia/Colombo")).status_code == 302
    outlet.refresh_from_db()
    assert str(outlet.timezone) == "Asia/Colombo"
    assert outlet.tz.key == "Asia/Colombo"


def test_a_chinese_partner_applies_with_a_chinese_number_and_is_found_again(tenancy):
    brand = tenancy.sides[0][1]
    application = {
        "business_name": "Dongfang",
        "outlet_name": "Dongfang Xuhui",
        "contact_name": "Li",
        "contact_email": "li@dongfang.example",
        "phone": "138 0013 8000",
        "address": "1 Huaihai Road",
        "city": "Shanghai",
        "country": "CN",
        "latitude": "31.2",
        "longitude": "121.4",
        "consent": "on",
    }
    form = Client().get(f"/partners/{brand.slug}/apply/").content.decode()
    assert '<option value="CN">China</option>' in form
    assert '<option value="LK">Sri Lanka</option>' in form
    documents = [SimpleUploadedFile("licence.pdf", b"%PDF-1.4 minimal")]
    sent = Client().post(f"/partners/{brand.slug}/apply/", {**application, "documents": documents})
    assert sent.status_code == 200
    first = OutletApplication.objects.get(outlet_name="Dongfang Xuhui")
    assert (str(first.country), str(first.phone)) == ("CN", "+8613800138000")
    as_india = Client().post(
        f"/partners/{brand.slug}/apply/", {**application, "country": "IN", "outlet_name": "X"}
    )
    assert "Enter a phone number of India" in as_india.content.decode()
    again = {**application, "outlet_name": "Again", "phone": "+86 138-0013-8000"}
    again["latitude"], again["longitude"] = "30.0", "120.0"  # far away: found by the number
    Client().post(f"/partners/{brand.slug}/apply/", again)
    second = OutletApplication.objects.get(outlet_name="Again")
    assert any("Dongfang Xuhui" in reason for reason in second.duplicate_reasons)
    bogus = Client().post(f"/partners/{brand.slug}/apply/", {**application, "country": "XX"})
    assert "Select a valid choice" in bogus.content.decode()


def test_the_outlet_import_reads_countries_by_code_or_name_and_phones_in_them(
    tenancy, django_capture_on_commit_callbacks
):
    brand = tenancy.sides[0][1]  # brand X, x_manager's
    header = "outlet_code,name,address,city,postcode,country,latitude,longitude,phone,retailer\n"
    rows = [
        "imp-in,A,1 Road,Pune,,India,18.5,73.8,020 2612 3456,Chain\n",
        "imp-cn,B,1 Road,Shanghai,,chn,31.2,121.4,021 5555 0000,Chain\n",
        "imp-bad,C,1 Road,Pune,,IN,18.5,73.8,021 5555,Chain\n",
    ]
    client = login(tenancy, "x_manager")
    response = client.post(
        "/admin/outlets/outletimport/add/",
        {"brand": brand.pk, "file": SimpleUploadedFile("o.csv", (header + "".join(rows)).encode())},
    )
    import_ = OutletImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], {"start": "1"})
    import_.refresh_from_db()
    assert (import_.outlets_created, import_.rows_rejected) == (2, 1)
    stored = {
        o.code: (str(o.country), str(o.phone), str(o.timezone))
        for o in Outlet.objects.filter(code__startswith="imp-")
    }
    assert stored == {
        "imp-in": ("IN", "+912026123456", "Asia/Kolkata"),
        "imp-cn": ("CN", "+862155550000", "Asia/Shanghai"),
    }
    assert "Enter a phone number of India" in client.get(response["Location"]).content.decode()


BEFORE = [
    ("core", "0002_outbox"),
    ("outlets", "0010_import_language"),
    ("reservations", "0004_delivery_point"),
]


@pytest.mark.django_db(transaction=True)
def test_the_data_migrations_convert_what_is_stored_and_report_the_rest(capsys, caplog):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    brand = old.get_model("brands", "Brand").objects.create(name="B", slug="b", currency="INR")
    retailer = old.get_model("outlets", "Retailer").objects.create(name="R", slug="r")
    old_outlet = old.get_model("outlets", "Outlet")
    place = {"retailer": retailer, "address": "1 Road", "latitude": 18.5, "longitude": 73.8}
    pune = old_outlet.objects.create(
        code="pune", name="P", city="Pune", country="in", phone="(020) 2612-3456", **place
    )
    old_outlet.objects.create(
        code="sh",
        name="S",
        city="Shanghai",
        country="CN",
        phone="021 5555 0000",
        timezone="Asia/Nowhere",
        **place,
    )
    old_outlet.objects.create(
        code="odd", name="O", city="X", country="QQ", phone="call me", **place
    )
    old.get_model("core", "User").objects.create(username="u", phone="98220 11111")
    old.get_model("reservations", "Reservation").objects.create(
        code="R1",
        outlet_id=pune.pk,
        brand_id=brand.pk,
        shopper_name="A",
        shopper_email="a@example.com",
        shopper_phone="98123 45678",
        expires_at=timezone.now(),
    )

    caplog.set_level(logging.WARNING, logger="o2o.migrations")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    found = {o.code: o for o in Outlet.objects.all()}
    assert (str(found["pune"].country), str(found["pune"].phone)) == ("IN", "+912026123456")
    assert str(found["sh"].phone) == "+862155550000"
    assert str(found["sh"].timezone) == "Asia/Shanghai"  # the unknown zone: the country's
    assert (str(found["odd"].country), str(found["odd"].phone)) == ("QQ", "call me")  # kept
    assert str(User.objects.get(username="u").phone) == "+919822011111"
    assert str(Reservation.objects.get(code="R1").shopper_phone) == "+919812345678"
    report = capsys.readouterr().out
    assert "'Asia/Nowhere' is not a known time zone; set to Asia/Shanghai" in report
    assert "'QQ' names no country; kept as written" in report
    assert "'call me' is not a phone number of QQ; kept as written" in report
    assert "'call me' is not a phone number" in caplog.text
    assert len(report.strip().splitlines()) == 3  # converted rows are not reported
