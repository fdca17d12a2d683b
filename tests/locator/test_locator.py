import pytest

from o2o.core.geo import bounding_box, haversine_km
from o2o.locator.geocoding import locate_city
from o2o.locator.selectors import stock_near
from o2o.outlets.models import Outlet
from tests.factories import OutletFactory, authorise, stock


def test_haversine_and_bounding_box():
    assert haversine_km(18.5196, 73.8553, 19.0760, 72.8777) == pytest.approx(119.9, abs=1.5)
    min_lat, max_lat, _min_lng, max_lng = bounding_box(18.5, 73.8, 10)
    assert max_lat - min_lat == pytest.approx(0.18, abs=0.01)
    assert haversine_km(18.5, 73.8, 18.5, max_lng) == pytest.approx(10, abs=0.01)


@pytest.mark.parametrize(
    ("query", "country"),
    [
        ("Pune", "IN"),
        ("  mumbai ", "IN"),
        ("上海", "CN"),
        ("Shanghai, China", "CN"),
    ],
)
def test_cities_are_found_offline_in_several_languages(query, country):
    place = locate_city(query)
    assert place is not None
    assert place.country == country


def test_unknown_city_is_none():
    assert locate_city("Zzyzxqville") is None
    assert locate_city("") is None


def test_nearest_outlets_with_stock_closest_first(world):
    far = OutletFactory(latitude=18.90, longitude=73.85)  # ~42 km north
    near = OutletFactory(latitude=18.53, longitude=73.86)
    for outlet in (far, near):
        authorise(outlet, world.brand)
        stock(outlet, world.variant, 2)
    unauthorised = OutletFactory(latitude=18.52, longitude=73.856)
    stock(unauthorised, world.variant, 9)
    paused = OutletFactory(latitude=18.52, longitude=73.857, status=Outlet.Status.PAUSED)
    authorise(paused, world.brand)
    stock(paused, world.variant, 9)
    empty = OutletFactory(latitude=18.52, longitude=73.858)
    authorise(empty, world.brand)
    stock(empty, world.variant, 3, reserved=3)

    hits = stock_near(variant=world.variant, lat=18.5196, lng=73.8553)
    assert [hit.outlet for hit in hits] == [world.outlet, near, far]  # radius widened to 50
    assert hits[0].available == 5
    assert hits[1].distance_km == pytest.approx(1.2, abs=0.3)


def test_radius_widening_finds_all_k_that_exist(world):
    for index in range(12):
        outlet = OutletFactory(latitude=18.5196 + 0.02 * (index + 1), longitude=73.8553)
        authorise(outlet, world.brand)
        stock(outlet, world.variant, 1)
    hits = stock_near(variant=world.variant, lat=18.5196, lng=73.8553, limit=10)
    assert len(hits) == 10
    distances = [hit.distance_km for hit in hits]
    assert distances == sorted(distances)
