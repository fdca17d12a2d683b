"""Accounts, retailers, outlets and SKUs cannot be taken over: an invitation needs the
address proven through a one-time link, applications and imports never join an existing
retailer or outlet, and a copied SKU cannot make another brand's rows refused."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from o2o.core.tenancy import tenancy_of
from o2o.inventory import services as inventory
from o2o.inventory.models import StockLevel
from o2o.outlets import imports, onboarding
from o2o.outlets.models import (
    Outlet,
    OutletApplication,
    OutletAuthorization,
    OutletImport,
    RetailerMembership,
)
from o2o.outlets.services import invite_staff
from tests.factories import BrandFactory, ProductFactory, VariantFactory, authorise, minutes_ago

VICTIM = "future.hire@shop.example"


def sign_up(client, email, password):
    response = client.post("/account/signup/", {"email": email, "password": password})
    assert response.status_code == 302, response.content[:500]


def invitation_link():
    found = re.search(r"http://\S+(/accounts/invitation/\S+/)", mail.outbox[-1].body)
    return found.group(1)


def test_an_account_opened_with_a_future_staff_address_gets_no_workspace(
    world, django_capture_on_commit_callbacks
):
    attacker = Client()
    sign_up(attacker, VICTIM, "attacker-pass-2026")
    with django_capture_on_commit_callbacks(execute=True):
        invite_staff(retailer=world.outlet.retailer, email=VICTIM)
    # the attacker's session and password reach nothing of the retailer
    assert attacker.get("/admin/reservations/reservation/").status_code in (302, 403)
    again = Client()
    assert (
        again.post(
            "/admin/login/", {"username": VICTIM, "password": "attacker-pass-2026"}
        ).status_code
        == 200
    )  # the admin refuses a non-staff account: the form again
    membership = RetailerMembership.objects.get(user__email=VICTIM)
    assert tenancy_of(membership.user).retailer_ids == frozenset()

    # the real person opens the link sent to the address, and only then is in the team
    person = Client()
    link = invitation_link()
    done = person.post(
        link, {"new_password1": "real-pass-2026!", "new_password2": "real-pass-2026!"}
    )
    assert done.status_code == 302
    assert person.get("/admin/reservations/reservation/").status_code == 200
    assert not Client().login(username=VICTIM, password="attacker-pass-2026")
    assert attacker.get("/admin/reservations/reservation/").status_code == 302  # session ended
    assert person.post(link, {}).status_code == 410


@pytest.mark.parametrize("token", ["", "garbage", "eyJtIjoxfQ:1abc:def"])
def test_a_forged_invitation_link_is_refused(world, token):
    response = Client().get(f"/accounts/invitation/{token or 'x'}/")
    assert response.status_code == 410


def _application(brand, **fields):
    return OutletApplication.objects.create(
        brand=brand,
        business_name=fields.pop("business_name", "Takeover Traders"),
        outlet_name="Takeover Aundh",
        contact_name="Mallory",
        contact_email=fields.pop("contact_email", "mallory@example.com"),
        address="1 Road",
        city="Pune",
        country="IN",
        latitude=18.55,
        longitude=73.80,
        **fields,
    )


@pytest.mark.parametrize("field", ["tax_id", "contact_email"])
def test_an_application_naming_an_existing_retailer_is_flagged_not_joined(world, field):
    retailer = world.outlet.retailer
    retailer.tax_id, retailer.contact_email = "27AAAPL1234C1ZV", "owner@pune.example"
    retailer.save()
    value = {"tax_id": retailer.tax_id, "contact_email": "OWNER@pune.example"}[field]
    application = _application(world.brand, **{field: value})
    with pytest.raises(onboarding.ApplicationConflict):
        onboarding.approve_application(application_id=application.pk)
    application.refresh_from_db()
    assert application.status == "submitted"
    assert any("existing retailer" in reason for reason in application.duplicate_reasons)
    assert not RetailerMembership.objects.filter(user__email__iexact="mallory@example.com").exists()
    assert retailer.outlets.count() == 1


def _import(brand, rows):
    header = "outlet_code,name,address,city,postcode,country,latitude,longitude,phone,"
    header += "retailer,retailer_email,tax_id\n"
    import_ = OutletImport.objects.create(
        brand=brand, file=SimpleUploadedFile("o.csv", (header + "".join(rows)).encode())
    )
    imports.preview(import_)
    OutletImport.objects.filter(pk=import_.pk).update(status="queued")
    return imports.run(import_.pk)


def test_a_brands_import_never_annexes_an_existing_outlet_or_retailer(world):
    world.outlet.retailer.tax_id = "29BBBPL1234C1ZV"
    world.outlet.retailer.save()
    other_brand = BrandFactory(name="Interloper", slug="interloper")
    done = _import(
        other_brand,
        [
            "pune-1,Renamed,1 Road,Pune,,IN,18.5,73.8,,Mine Now,,\n",
            "new-1,New Shop,2 Road,Pune,,IN,18.5,73.8,,Other Co,,29BBBPL1234C1ZV\n",
            "new-2,Fresh Shop,3 Road,Pune,,IN,18.6,73.9,,Fresh Co,fresh@example.com,\n",
        ],
    )
    assert (done.status, done.outlets_created, done.rows_rejected) == ("done", 1, 2)
    messages = " ".join(error["message"] for error in done.errors)
    assert "never takes over" in messages
    assert "existing retailer" in messages
    assert not OutletAuthorization.objects.filter(outlet=world.outlet, brand=other_brand).exists()
    assert not Outlet.objects.filter(code="new-1").exists()
    assert Outlet.objects.get(code="new-2").retailer != world.outlet.retailer


def test_a_retried_import_skips_what_it_created(world):
    brand = BrandFactory(name="Retry", slug="retry")
    rows = [
        f"r-{i},Shop {i},{i} Road,Pune,,IN,18.5,73.8,,Chain,chain@example.com,TAX9\n"
        for i in range(3)
    ]
    first = _import(brand, rows)
    assert first.outlets_created == 3
    OutletImport.objects.filter(pk=first.pk).update(status="running")
    again = imports.run(first.pk)
    assert (again.rows_rejected, Outlet.objects.filter(code__startswith="r-").count()) == (0, 3)


def test_a_copied_sku_cannot_make_the_original_brands_rows_refused(
    world, pos, django_capture_on_commit_callbacks
):
    copycat = BrandFactory(name="Copycat", slug="copycat")
    product = ProductFactory(brand=copycat, name="Copy", slug="copy")
    VariantFactory(product=product, sku=world.variant.sku, gtin=world.variant.gtin)
    authorise(world.outlet, copycat)
    with django_capture_on_commit_callbacks(execute=True):
        run = inventory.queue_snapshot(
            outlet=world.outlet,
            as_of=minutes_ago(1),
            items=[
                {"sku": world.variant.sku, "on_hand": 9},
                {"gtin": world.variant.gtin, "on_hand": 9},
            ],
        )
    run.refresh_from_db()
    assert run.rows_rejected == 1  # the second line names the same item: a duplicate
    assert StockLevel.objects.get(pk=world.level.pk).on_hand == 9
