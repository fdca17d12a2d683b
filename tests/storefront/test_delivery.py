"""Local delivery is checked where the parcel goes (a pin, or the address's postcode),
never where the shopper searched from, and a delivery speaks of delivery."""

import re

import pytest
from django.core import mail
from rest_framework.test import APIClient

from o2o.outlets.models import Outlet
from o2o.reservations import services
from o2o.reservations.models import Reservation
from tests.factories import api_reservation
from tests.security.test_hardening import SHOPPER

DELIVERY = {**SHOPPER, "fulfilment": "delivery", "delivery_address": "12 MG Road, Pune"}


@pytest.fixture
def delivering(world):
    Outlet.objects.filter(pk=world.outlet.pk).update(delivery_radius_km=5)
    return f"/reserve/pune-1/{world.variant.pk}/"


def errors(response):
    """The text of the page's alerts (field and form errors), without the tags."""
    page = response.content.decode().replace('id="request-failed"', "")
    blocks = re.findall(r'<(div|span) class="error" role="alert"[^>]*>(.*?)</\1>', page, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", body) for _tag, body in blocks)


def test_the_delivery_point_is_required_and_the_search_place_does_not_count(client, delivering):
    assert "Enter the address to deliver to." in errors(
        client.post(delivering, {**SHOPPER, "fulfilment": "delivery"})
    )
    client.get("/aurora/aurora-12/?lat=18.52&lng=73.86")  # searched right next to the shop
    refused = client.post(delivering, DELIVERY)
    assert refused.status_code == 400
    assert "Give the postcode of the delivery address, or place a pin on the map." in errors(
        refused
    )
    assert not Reservation.objects.exists()


def test_a_pin_outside_the_radius_is_refused_with_the_distance(client, delivering):
    client.get("/aurora/aurora-12/?lat=18.52&lng=73.86")  # near the shop: must not matter
    far = client.post(delivering, {**DELIVERY, "delivery_lat": "18.70", "delivery_lng": "73.85"})
    assert far.status_code == 400
    assert re.search(r"delivers within 5 km; the delivery address is 20\.1 km away", errors(far))
    assert not Reservation.objects.exists()


def test_an_unknown_postcode_is_a_field_error(client, delivering):
    response = client.post(delivering, {**DELIVERY, "delivery_postcode": "000000"})
    assert "We do not know this postcode." in errors(response)


def test_a_postcode_far_away_is_refused_and_one_nearby_accepted(client, delivering):
    mumbai = client.post(delivering, {**DELIVERY, "delivery_postcode": "400001"})
    assert "delivers within 5 km" in errors(mumbai)
    pune = client.post(delivering, {**DELIVERY, "delivery_postcode": "411001"})
    assert pune.status_code == 302
    reservation = Reservation.objects.get()
    assert reservation.fulfilment == "delivery"
    assert abs(reservation.delivery_latitude - 18.508) < 0.01  # the PIN's centre is stored


def test_a_delivery_speaks_of_delivery(
    client, world, delivering, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            delivering, {**DELIVERY, "delivery_lat": "18.53", "delivery_lng": "73.86"}
        )
    assert response.status_code == 302
    reservation = Reservation.objects.get()
    assert (reservation.delivery_latitude, reservation.delivery_longitude) == (18.53, 73.86)
    page = client.get(response["Location"]).content.decode()
    assert "Delivery code" in page
    assert "Pickup code" not in page
    assert "Directions to the shop" not in page
    assert "at the shop" not in page
    assert "12 MG Road, Pune" in page
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm(reservation_id=reservation.pk)
        services.mark_ready(reservation_id=reservation.pk)
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="status">Out for delivery<' in page
    assert "Ready for pickup" not in page
    assert "Out for delivery" in mail.outbox[-1].subject
    assert "Shop:" not in mail.outbox[-1].body
    assert "Delivery to: 12 MG Road" in mail.outbox[-1].body
    with django_capture_on_commit_callbacks(execute=True):
        services.collect(reservation_id=reservation.pk)
    assert 'data-testid="status">Delivered<' in client.get(response["Location"]).content.decode()


def test_the_map_to_pin_the_delivery_is_offered(client, delivering):
    page = client.get(delivering).content.decode()
    assert 'id="delivery-map"' in page
    assert 'data-radius-km="5"' in page
    assert 'name="delivery_postcode"' in page
    assert 'name="delivery_lat"' in page


def test_a_collection_still_speaks_of_pickup(client, world):
    response = client.post(f"/reserve/pune-1/{world.variant.pk}/", SHOPPER)
    page = client.get(response["Location"]).content.decode()
    assert "Pickup code" in page
    assert "Directions to the shop" in page
    assert (
        'id="delivery-map"'
        not in client.get(f"/reserve/pune-1/{world.variant.pk}/").content.decode()
    )


def test_the_api_checks_the_delivery_point(world, delivering):
    api_body = api_reservation(world, fulfilment="delivery", delivery_address="12 MG Road")
    api = APIClient()
    half = api.post("/api/v1/reservations/", {**api_body, "lat": 18.53}, format="json")
    assert half.status_code == 400
    assert half.json()["fields"]["lng"] == ["missing"]
    missing = api.post("/api/v1/reservations/", api_body, format="json")
    assert missing.status_code in (400, 409, 422)
    assert "where to deliver" in str(missing.json())
    far = api.post("/api/v1/reservations/", {**api_body, "lat": 18.70, "lng": 73.85}, format="json")
    assert far.status_code in (400, 409, 422)
    assert "delivers within 5 km" in str(far.json())
    near = api.post(
        "/api/v1/reservations/", {**api_body, "lat": 18.53, "lng": 73.86}, format="json"
    )
    assert near.status_code == 201
    assert near.json()["fulfilment"] == "delivery"
