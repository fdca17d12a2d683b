"""Brand dashboard: figures from roll-ups match a hand-computed fixture; tenancy; exports."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from o2o.dashboard.models import DailyBrandFigures
from o2o.dashboard.services import roll_up_day
from o2o.dashboard.tasks import roll_up_daily_figures_task
from o2o.locator.models import DemandSignal
from o2o.reservations import services as reservations
from o2o.reservations.models import Reservation
from tests.admin.tenancy_world import build, login

SHOPPER = {"shopper_name": "S", "shopper_email": "s@example.com", "shopper_phone": "+91 9000000000"}


@pytest.fixture
def world(db):
    return build()


def test_figures_match_a_hand_computed_day(world):
    _retailer, brand, outlet, variant, _first = world.sides[0]  # one pending reservation
    variant.price = Decimal("1000.00")
    variant.save()
    second = reservations.reserve(outlet=outlet, variant=variant, quantity=2, **SHOPPER)
    reservations.collect(reservation_id=reservations.confirm(reservation_id=second.pk).pk)
    third = reservations.reserve(outlet=outlet, variant=variant, quantity=1, **SHOPPER)
    reservations.cancel(reservation_id=third.pk)
    for found in (True, True, False, False, False):
        DemandSignal.objects.create(
            brand=brand, variant=variant, cell_lat=18.5, cell_lng=73.85, found=found
        )
    today = timezone.now().date()
    roll_up_day(brand=brand, day=today, stock_snapshot=True)
    roll_up_day(brand=brand, day=today, stock_snapshot=True)  # idempotent
    day = DailyBrandFigures.objects.get(brand=brand, day=today)
    # the world already has one unmet search of this variant for brand X
    assert (day.searches, day.searches_unmet) == (6, 4)
    assert (day.reservations, day.collected, day.collected_units) == (3, 1, 2)
    assert day.revenue == Decimal("2000.00")
    page = login(world, "x_manager").get(f"/dashboard/{brand.slug}/")
    text = page.content.decode()
    assert "₹2,000" in text
    assert "reservations · 50.0%" in text
    assert "collected · 33.3%" in text
    rows = login(world, "x_manager").get(f"/dashboard/{brand.slug}/?export=outlets")
    assert rows["Content-Type"].startswith("text/csv")
    lines = rows.content.decode().strip().splitlines()
    assert lines[0] == "outlet_code,outlet_name,outlet_city,reservations,collected,revenue"
    code, _name, _city, made, collected, revenue = lines[1].split(",")
    assert (code, made, collected, Decimal(revenue)) == (outlet.code, "3", "1", 2000)
    unmet = login(world, "x_manager").get(f"/dashboard/{brand.slug}/?export=unmet")
    assert unmet.content.decode().strip().splitlines()[1].endswith(",4")


def test_dashboard_is_for_the_brands_staff_only(world):
    brand_x, brand_y = world.sides[0][1], world.sides[1][1]
    assert login(world, "x_manager").get(f"/dashboard/{brand_x.slug}/").status_code == 200
    assert login(world, "x_manager").get(f"/dashboard/{brand_y.slug}/").status_code == 404
    assert login(world, "y_analyst").get(f"/dashboard/{brand_x.slug}/").status_code == 404
    assert login(world, "a_owner").get(f"/dashboard/{brand_x.slug}/").status_code == 404
    assert Client().get(f"/dashboard/{brand_x.slug}/").status_code == 302
    assert (
        login(world, "x_manager").get(f"/dashboard/{brand_x.slug}/?export=secrets").status_code
        == 404
    )
    assert (
        login(world, "x_manager")
        .get("/admin/")
        .content.decode()
        .count(f"/dashboard/{brand_x.slug}/")
        == 1
    )


def test_beat_task_rolls_up_today_and_yesterday(world):
    roll_up_daily_figures_task.delay().get()
    today = timezone.now().date()
    assert DailyBrandFigures.objects.filter(day=today).count() == 2
    assert DailyBrandFigures.objects.filter(day=today - datetime.timedelta(days=1)).count() == 2


def test_the_dashboard_reads_roll_ups_not_raw_tables(world, django_assert_max_num_queries):
    brand = world.sides[0][1]
    for _ in range(30):
        Reservation.objects.create(
            outlet=world.sides[0][2],
            brand=brand,
            shopper_name="x",
            shopper_email="x@example.com",
            shopper_phone="1234567",
            expires_at=timezone.now(),
        )
    roll_up_day(brand=brand, day=timezone.now().date(), stock_snapshot=True)
    client = login(world, "x_manager")
    with django_assert_max_num_queries(15):  # launches: three queries of their own
        assert client.get(f"/dashboard/{brand.slug}/").status_code == 200


def test_brand_owner_suspends_and_reactivates_outlets(world):
    from o2o.outlets.models import OutletAuthorization

    authorisation = OutletAuthorization.objects.get(outlet=world.sides[0][2])
    client = login(world, "x_manager")
    client.post(
        "/admin/outlets/outletauthorization/",
        {"action": "suspend", "_selected_action": [authorisation.pk]},
    )
    authorisation.refresh_from_db()
    assert not authorisation.is_active
    client.post(
        "/admin/outlets/outletauthorization/",
        {"action": "reactivate", "_selected_action": [authorisation.pk]},
    )
    authorisation.refresh_from_db()
    assert authorisation.is_active
    page = client.get("/admin/outlets/outlet/").content.decode()
    assert "never" in page  # outlets that never synced are flagged


@pytest.mark.parametrize("extra", [0, 25])
def test_demand_and_back_in_stock_lists_are_bounded(world, extra, django_assert_max_num_queries):
    from o2o.locator.models import BackInStockRequest

    brand, variant = world.sides[0][1], world.sides[0][3]
    for index in range(extra):
        DemandSignal.objects.create(
            brand=brand, variant=variant, cell_lat=18.5, cell_lng=73.8, found=False
        )
        BackInStockRequest.objects.create(
            variant=variant,
            email=f"b{index}@example.com",
            place="Pune",
            latitude=18.5,
            longitude=73.8,
            radius_km=50,
        )
    root = login(world, "superuser")
    for path in ("/admin/locator/demandsignal/", "/admin/locator/backinstockrequest/"):
        with django_assert_max_num_queries(12):
            assert root.get(path).status_code == 200


@pytest.mark.parametrize(
    ("language", "place", "heading", "axis_day"),
    [
        ("en", "Pune", ": the last 30 days", "Dec"),
        ("hi", "पुणे", ": पिछले 30 दिन", "दिस"),
        ("zh-hans", "浦納", "：最近 30 天", "月"),
    ],
)
def test_unmet_demand_names_places_and_the_dashboard_speaks_the_viewers_language(
    world, language, place, heading, axis_day
):
    import re

    _retailer, brand, _outlet, variant, _first = world.sides[0]
    for _n in range(3):
        DemandSignal.objects.create(
            brand=brand, variant=variant, cell_lat=18.5, cell_lng=73.85, found=False
        )
    roll_up_day(brand=brand, day=timezone.now().date(), stock_snapshot=True)
    client = login(world, "x_manager")
    client.cookies["django_language"] = language
    text = client.get(
        f"/dashboard/{brand.slug}/", headers={"Accept-Language": language}
    ).content.decode()
    cells = re.findall(r'data-testid="unmet-place">([^<]+)<', text)
    assert cells
    assert cells[0] == place
    assert "18.50" not in text
    assert heading in text
    chart = re.search(r"<svg.*?</svg>", text, re.S)[0]
    ticks = re.findall(r'class="tick">([^<]+)<', chart)
    assert ticks
    assert all(axis_day in tick for tick in ticks)
    csv = client.get(f"/dashboard/{brand.slug}/?export=unmet").content.decode().splitlines()
    assert csv[0].startswith("place,cell_lat")
    assert csv[1].startswith(place)
