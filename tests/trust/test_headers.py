"""Values that end up in mail headers (business and product names) can hold CR/LF: an
approval is all-or-nothing for the reviewer and the owner is still invited."""

from django.core import mail
from django.test import Client

from o2o.outlets.models import Outlet, OutletApplication, RetailerMembership
from tests.admin.tenancy_world import PASSWORD, build
from tests.admin.test_onboarding import APPLICATION, apply


def test_approving_a_name_with_crlf_invites_the_owner(db, django_capture_on_commit_callbacks):
    world = build()
    brand = world.sides[0][1]
    application = OutletApplication.objects.create(
        brand=brand,
        business_name="Evil Traders\r\nBcc: everyone@example.com",
        outlet_name="Evil\nShop",
        contact_name="E",
        contact_email="evil@example.com",
        address="1 Road",
        city="Pune",
        country="IN",
        latitude=18.55,
        longitude=73.80,
    )
    reviewer = Client()
    assert reviewer.login(username="x-manager", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer.post(
            "/admin/outlets/outletapplication/",
            {"action": "approve", "_selected_action": [application.pk]},
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "approved"
    assert RetailerMembership.objects.filter(user__email="evil@example.com", role="owner").exists()
    invitation = next(m for m in mail.outbox if m.to == ["evil@example.com"])
    assert "\n" not in invitation.subject
    assert "\r" not in invitation.subject
    assert invitation.message()["Bcc"] is None


def test_the_public_form_folds_control_characters(db):
    world = build()
    brand = world.sides[0][1]
    response = apply(
        Client(), brand, business_name="Line\r\nBreak Co", outlet_name="Tab\tShop\u2028X"
    )
    assert response.status_code == 200, response.content[:300]
    stored = OutletApplication.objects.get(brand=brand, contact_email=APPLICATION["contact_email"])
    assert (stored.business_name, stored.outlet_name) == ("Line Break Co", "Tab Shop X")
    assert not Outlet.objects.filter(name__contains="\n").exists()
