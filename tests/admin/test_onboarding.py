"""Partner applications (public form → review → approval) and bulk outlet imports."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from o2o.outlets import onboarding
from o2o.outlets.models import (
    Outlet,
    OutletApplication,
    OutletAuthorization,
    OutletImport,
    Retailer,
    RetailerMembership,
)
from tests.admin.tenancy_world import PASSWORD, build, login

PDF = b"%PDF-1.4 minimal"
APPLICATION = {
    "business_name": "Lakshmi Telecom",
    "outlet_name": "Lakshmi Telecom Aundh",
    "contact_name": "Lakshmi",
    "contact_email": "lakshmi@telecom.example",
    "phone": "+91 98220 11111",
    "tax_id": "27AAAPL1234C1ZV",
    "address": "12 ITI Road",
    "city": "Pune",
    "postcode": "411007",
    "country": "IN",
    "latitude": "18.5590",
    "longitude": "73.8077",
    "consent": "on",
}


@pytest.fixture
def world(db):
    return build()


def apply(client, brand, **changes):
    data = {**APPLICATION, **changes}
    data.setdefault("documents", [SimpleUploadedFile("licence.pdf", PDF)])
    return client.post(f"/partners/{brand.slug}/apply/", data)


def test_public_form_checks_documents_consent_and_location(world):
    brand = world.sides[0][1]
    client = Client()
    assert client.get(f"/partners/{brand.slug}/apply/").status_code == 200
    fake = apply(client, brand, documents=[SimpleUploadedFile("licence.pdf", b"MZ\x90")])
    assert "is not a PDF, JPEG or PNG file" in fake.content.decode()
    no_consent = apply(client, brand, consent="")
    assert no_consent.status_code == 400
    nowhere = apply(client, brand, latitude="", longitude="", city="Zzyzxqville")
    assert "could not find the city" in nowhere.content.decode()
    city_centre = apply(client, brand, latitude="", longitude="", outlet_name="By city")
    assert city_centre.status_code == 200
    assert "Thank you" in city_centre.content.decode()
    assert OutletApplication.objects.get(outlet_name="By city").latitude == pytest.approx(
        18.52, abs=0.01
    )


def test_duplicates_are_flagged_by_phone_tax_id_and_location(world):
    brand = world.sides[0][1]
    outlet = world.sides[0][2]
    Outlet.objects.filter(pk=outlet.pk).update(phone="+91 98220 11111")
    apply(Client(), brand)
    application = OutletApplication.objects.get(outlet_name="Lakshmi Telecom Aundh")
    assert any("same phone" in reason for reason in application.duplicate_reasons)
    apply(
        Client(),
        brand,
        phone="+91 90000 22222",
        tax_id="",
        outlet_name="Next door",
        latitude="18.5592",
        longitude="73.8078",
    )  # ~25 m away from the first one
    second = OutletApplication.objects.get(outlet_name="Next door")
    assert any("like application" in reason for reason in second.duplicate_reasons)


def test_review_approve_invites_the_owner_once(world, django_capture_on_commit_callbacks):
    brand = world.sides[0][1]
    apply(Client(), brand)
    application = OutletApplication.objects.get(outlet_name="Lakshmi Telecom Aundh")
    reviewer = login(world, "x_manager")
    queue = reviewer.get("/admin/outlets/outletapplication/").content.decode()
    assert "Lakshmi Telecom Aundh" in queue
    document = application.documents.get()
    url = f"/admin/outlets/outletapplication/{application.pk}/document/{document.pk}/"
    assert b"".join(reviewer.get(url).streaming_content) == PDF
    assert login(world, "y_analyst").get(url).status_code == 404
    for _click in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            reviewer.post(
                "/admin/outlets/outletapplication/",
                {"action": "approve", "_selected_action": [application.pk]},
            )
    application.refresh_from_db()
    assert application.status == "approved"
    outlet = application.outlet
    assert outlet.name == "Lakshmi Telecom Aundh"
    assert outlet.retailer.tax_id == "27AAAPL1234C1ZV"
    assert OutletAuthorization.objects.filter(outlet=outlet, brand=brand, is_active=True).exists()
    assert Outlet.objects.filter(name="Lakshmi Telecom Aundh").count() == 1
    membership = RetailerMembership.objects.get(retailer=outlet.retailer)
    assert (membership.role, membership.user.email) == ("owner", "lakshmi@telecom.example")
    invitations = [m for m in mail.outbox if "lakshmi@telecom.example" in m.to]
    assert len(invitations) == 1
    assert "/accounts/invitation/" in invitations[0].body


def test_reject_and_request_changes_need_a_reason(world):
    brand = world.sides[0][1]
    apply(Client(), brand)
    application = OutletApplication.objects.get(outlet_name="Lakshmi Telecom Aundh")
    with pytest.raises(onboarding.ApplicationError):
        onboarding.reject_application(application_id=application.pk, reason=" ")
    reviewer = login(world, "x_manager")
    form = reviewer.post(
        "/admin/outlets/outletapplication/",
        {"action": "ask_for_changes", "_selected_action": [application.pk]},
    )
    assert "Reason, sent to the applicant" in form.content.decode()
    reviewer.post(
        "/admin/outlets/outletapplication/",
        {
            "action": "ask_for_changes",
            "_selected_action": [application.pk],
            "note": "Please add the shop licence.",
        },
    )
    application.refresh_from_db()
    assert (application.status, application.decision_note) == (
        "changes",
        "Please add the shop licence.",
    )
    analyst = login(world, "y_analyst")
    analyst.post(
        "/admin/outlets/outletapplication/",
        {"action": "reject", "_selected_action": [application.pk], "note": "no"},
    )
    application.refresh_from_db()
    assert application.status == "changes"  # brand Y staff cannot touch brand X's queue


def outlets_csv(rows):
    header = "outlet_code,name,address,city,postcode,country,latitude,longitude,phone,retailer,"
    header += "retailer_email,tax_id\n"
    return (header + "".join(rows)).encode()


def test_bulk_import_preview_progress_and_report(world, django_capture_on_commit_callbacks):
    brand = world.sides[0][1]
    good = [
        f"bulk-{i:04d},Shop {i},{i} Main Road,Pune,411001,IN,18.5{i % 10},73.8{i % 7},"
        f"+91 90000 {i:05d},Chain {i % 3},chain{i % 3}@example.com,\n"
        for i in range(30)
    ]
    bad = [
        "bulk-0001,Again,1 Road,Pune,,IN,18.5,73.8,,Chain 1,,\n",  # duplicate code
        "bad code!,X,1 Road,Pune,,IN,18.5,73.8,,Chain 1,,\n",
        "bulk-x,X,1 Road,Pune,,IN,north,73.8,,Chain 1,,\n",
        "bulk-y,X,1 Road,Pune,,IND,18.5,73.8,not a phone,Chain 1,,\n",
        "bulk-z,X,1 Road,Pune,,Atlantis,18.5,73.8,,Chain 1,,\n",
    ]
    client = login(world, "x_manager")
    response = client.post(
        "/admin/outlets/outletimport/add/",
        {"brand": brand.pk, "file": SimpleUploadedFile("outlets.csv", outlets_csv(good + bad))},
    )
    assert response.status_code == 302
    import_ = OutletImport.objects.get(file__contains="outlets")
    page = client.get(response["Location"]).content.decode()
    assert "35 rows checked; 5 will be rejected" in page
    assert "duplicate outlet_code" in page
    assert "must be numbers" in page
    assert not Outlet.objects.filter(code__startswith="bulk-").exists()  # preview writes nothing
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], {"start": "1"})
        client.post(response["Location"], {"start": "1"})  # a double click starts it once
    progress = client.get(f"/admin/outlets/outletimport/{import_.pk}/progress/").json()
    assert progress == {
        "status": "done",
        "rows_total": 35,
        "rows_done": 35,
        "percent": 100,
        "outlets_created": 30,
        "rows_rejected": 5,
    }
    assert Outlet.objects.filter(code__startswith="bulk-").count() == 30
    assert Retailer.objects.filter(contact_email__startswith="chain").count() == 3
    assert (
        OutletAuthorization.objects.filter(outlet__code__startswith="bulk-", brand=brand).count()
        == 30
    )
    report = client.get(response["Location"]).content.decode()
    assert "phone: Enter a phone number of India, e.g. 074104 10123" in report  # IND is India
    assert "country is not a country" in report
    assert (
        login(world, "y_analyst")
        .get(f"/admin/outlets/outletimport/{import_.pk}/progress/")
        .status_code
        == 404
    )


def test_five_thousand_outlets_import(world, django_capture_on_commit_callbacks):
    brand = world.sides[0][1]
    rows = [
        f"k-{i:05d},Shop {i},{i} Road,Delhi,,IN,28.{i % 1000:03d},77.{i % 997:03d},,"
        f"Chain {i % 50},,\n"
        for i in range(5000)
    ]
    import_ = OutletImport.objects.create(
        brand=brand, file=SimpleUploadedFile("big.csv", outlets_csv(rows))
    )
    from o2o.outlets import imports

    imports.preview(import_)
    OutletImport.objects.filter(pk=import_.pk).update(status="queued")
    imports.run(import_.pk)
    import_.refresh_from_db()
    assert (import_.status, import_.outlets_created, import_.rows_rejected) == ("done", 5000, 0)
    assert Outlet.objects.filter(code__startswith="k-").count() == 5000


def test_applicants_hear_the_reason(world, mailoutbox, django_capture_on_commit_callbacks):
    brand = world.sides[0][1]
    apply(Client(), brand)
    application = OutletApplication.objects.get(outlet_name="Lakshmi Telecom Aundh")
    with django_capture_on_commit_callbacks(execute=True):
        onboarding.reject_application(application_id=application.pk, reason="Too close to X.")
    assert mailoutbox[-1].to == ["lakshmi@telecom.example"]
    assert "Too close to X." in mailoutbox[-1].body


def test_onboarding_staff_approve_and_import_but_do_not_edit_the_catalogue(world):
    from o2o.brands.models import BrandMembership
    from o2o.core.models import User

    brand = world.sides[0][1]
    user = User.objects.create_user("onboarder", "o@example.com", PASSWORD, is_staff=True)
    BrandMembership.objects.create(user=user, brand=brand, role="onboarding")
    client = Client()
    client.login(username="onboarder", password=PASSWORD)
    assert client.get("/admin/outlets/outletimport/add/").status_code == 200
    apply(Client(), brand)
    application = OutletApplication.objects.get(outlet_name="Lakshmi Telecom Aundh")
    client.post(
        "/admin/outlets/outletapplication/",
        {"action": "approve", "_selected_action": [application.pk]},
    )
    application.refresh_from_db()
    assert application.status == "approved"
    product = world.sides[0][3].product
    assert client.get(f"/admin/catalogue/product/{product.pk}/change/").status_code == 200
    client.post(f"/admin/catalogue/product/{product.pk}/change/", {"name": "Renamed"})
    product.refresh_from_db()
    assert product.name != "Renamed"
    assert client.get("/admin/catalogue/product/add/").status_code == 403
