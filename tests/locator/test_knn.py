"""On PostgreSQL the locator walks a GiST index over (variant, position) nearest first; the
position and visibility copied onto stock rows follow every change of the outlet and of
its authorisations, and the answers equal the portable bounding-box path's on the same
data (the path SQLite runs)."""

import random

import pytest
from django.db import connection

from o2o.inventory.models import StockLevel
from o2o.locator.selectors import stock_near, stock_nearest_sql
from o2o.outlets.models import Outlet, OutletAuthorization
from tests.factories import (
    BrandFactory,
    OutletFactory,
    ProductFactory,
    VariantFactory,
    authorise,
    stock,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
PUNE = (18.52, 73.86)


def explain(sql, params):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inventory_stocklevel")
        cursor.execute("SET enable_seqscan = off")  # tiny tables would be scanned anyway
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    return plan


def both_paths(settings, variant, lat, lng, **kwargs):
    settings.O2O_LOCATOR_KNN = True
    knn = [
        (h.outlet.pk, round(h.distance_km, 6), h.available)
        for h in stock_near(variant=variant, lat=lat, lng=lng, **kwargs)
    ]
    settings.O2O_LOCATOR_KNN = False
    bbox = [
        (h.outlet.pk, round(h.distance_km, 6), h.available)
        for h in stock_near(variant=variant, lat=lat, lng=lng, **kwargs)
    ]
    return knn, bbox


@pytest.fixture
def network():
    rng = random.Random(11)
    brand, other = BrandFactory(slug="knn"), BrandFactory(slug="other")
    variants = [VariantFactory(product=ProductFactory(brand=brand)) for _ in range(3)]
    foreign = VariantFactory(product=ProductFactory(brand=other))
    outlets = []
    for n in range(120):
        outlet = OutletFactory(
            code=f"knn-{n}",
            latitude=PUNE[0] + rng.uniform(-0.6, 0.6),
            longitude=PUNE[1] + rng.uniform(-0.6, 0.6),
        )
        authorise(outlet, brand)
        for variant in variants:
            if rng.random() < 0.7:
                on_hand = rng.choice([0, 1, 2, 5])
                stock(outlet, variant, on_hand, reserved=min(on_hand, rng.choice([0, 0, 1])))
        stock(outlet, foreign, 3)  # another brand's item, not authorised here
        outlets.append(outlet)
    return brand, variants, foreign, outlets


def test_knn_and_bounding_box_give_the_same_answers(settings, network):
    _brand, variants, _foreign, _outlets = network
    rng = random.Random(3)
    for _ in range(40):
        lat, lng = PUNE[0] + rng.uniform(-0.8, 0.8), PUNE[1] + rng.uniform(-0.8, 0.8)
        variant = rng.choice(variants)
        for kwargs in ({}, {"limit": 3}, {"max_radius_km": 8}, {"limit": 25}):
            knn, bbox = both_paths(settings, variant, lat, lng, **kwargs)
            assert knn == bbox, (lat, lng, kwargs)


def test_another_brands_item_is_never_shown(settings, network):
    _brand, _variants, foreign, _outlets = network
    knn, bbox = both_paths(settings, foreign, *PUNE)
    assert knn == bbox == []


def test_the_copy_follows_moves_suspensions_and_authorisations(settings, network):
    brand, variants, _foreign, outlets = network
    variant = variants[0]
    knn, _bbox = both_paths(settings, variant, *PUNE, limit=1)
    nearest = Outlet.objects.get(pk=knn[0][0])
    # it moves 200 km away (a queryset update: no model signal, the trigger still sees it)
    Outlet.objects.filter(pk=nearest.pk).update(latitude=20.3, longitude=73.86)
    knn, bbox = both_paths(settings, variant, *PUNE)
    assert knn == bbox
    assert nearest.pk not in [pk for pk, _d, _a in knn]
    # back, then paused
    Outlet.objects.filter(pk=nearest.pk).update(latitude=PUNE[0], longitude=PUNE[1])
    assert both_paths(settings, variant, *PUNE, limit=1)[0][0][0] == nearest.pk
    Outlet.objects.filter(pk=nearest.pk).update(status=Outlet.Status.PAUSED)
    knn, bbox = both_paths(settings, variant, *PUNE)
    assert knn == bbox
    assert nearest.pk not in [pk for pk, _d, _a in knn]
    Outlet.objects.filter(pk=nearest.pk).update(status=Outlet.Status.ACTIVE)
    # authorisation suspended, then removed, then granted again
    OutletAuthorization.objects.filter(outlet=nearest, brand=brand).update(is_active=False)
    knn, bbox = both_paths(settings, variant, *PUNE)
    assert knn == bbox
    assert nearest.pk not in [pk for pk, _d, _a in knn]
    OutletAuthorization.objects.filter(outlet=nearest, brand=brand).delete()
    assert both_paths(settings, variant, *PUNE)[0] == both_paths(settings, variant, *PUNE)[1]
    authorise(nearest, brand)
    assert both_paths(settings, variant, *PUNE, limit=1)[0][0][0] == nearest.pk
    # a sale and a count change what is available, not where it is
    level = StockLevel.objects.get(outlet=nearest, variant=variant)
    StockLevel.objects.filter(pk=level.pk).update(reserved=level.on_hand)
    knn, bbox = both_paths(settings, variant, *PUNE)
    assert knn == bbox
    assert nearest.pk not in [pk for pk, _d, _a in knn]
    assert len(outlets) == 120


def test_the_query_uses_the_index_and_looks_outlets_up_by_key(settings, network):
    _brand, variants, _foreign, _outlets = network
    plan = explain(*stock_nearest_sql(variants[0], *PUNE, 50, 10))
    assert "stock_variant_spot" in plan, plan
    assert "outlets_outlet_pkey" in plan, plan


def test_across_the_antimeridian_the_portable_path_answers(settings, network):
    _brand, variants, _foreign, _outlets = network
    assert stock_nearest_sql(variants[0], -16.5, 179.9, 50, 10) is None
    knn, bbox = both_paths(settings, variants[0], -16.5, 179.9)
    assert knn == bbox == []


def test_rows_a_count_creates_are_placed_by_the_engine(settings, network):
    """The sync engine writes new rows' position itself (set-based, no row trigger)."""
    from o2o.inventory import services

    brand, _variants, _foreign, outlets = network
    fresh = VariantFactory(product=ProductFactory(brand=brand), sku="KNN-NEW")
    nearest = min(outlets, key=lambda o: (o.latitude - PUNE[0]) ** 2 + (o.longitude - PUNE[1]) ** 2)
    services.apply_counts_now(
        retailer=nearest.retailer, items=[{"outlet": nearest.code, "sku": "KNN-NEW", "on_hand": 4}]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT spot IS NOT NULL, shown FROM inventory_stocklevel WHERE variant_id = %s",
            [fresh.pk],
        )
        assert cursor.fetchall() == [(True, True)]
    knn, bbox = both_paths(settings, fresh, *PUNE)
    assert knn == bbox
    assert [pk for pk, _d, _a in knn] == [nearest.pk]


@pytest.fixture
def far_north():
    """Shops around Helsinki (60°N), where a degree of longitude is half a degree of
    latitude: the index's planar order ranks many of them wrongly."""
    rng = random.Random(7)
    brand = BrandFactory(slug="north")
    variant = VariantFactory(product=ProductFactory(brand=brand))
    for n in range(150):
        outlet = OutletFactory(
            code=f"north-{n}",
            latitude=60.17 + rng.uniform(-0.3, 0.3),
            longitude=24.94 + rng.uniform(-0.6, 0.6),
        )
        authorise(outlet, brand)
        stock(outlet, variant, rng.choice([1, 2, 3]))
    return variant


def test_the_walk_proves_its_answer_where_planar_order_misleads(settings, far_north):
    rng = random.Random(5)
    for _ in range(30):
        lat, lng = 60.17 + rng.uniform(-0.3, 0.3), 24.94 + rng.uniform(-0.6, 0.6)
        for kwargs in ({"limit": 1}, {}, {"limit": 40}, {"max_radius_km": 5}):
            knn, bbox = both_paths(settings, far_north, lat, lng, **kwargs)
            assert knn == bbox, (lat, lng, kwargs)


def test_a_walk_too_long_to_prove_leaves_the_answer_to_the_box_query(
    settings, far_north, monkeypatch
):
    from o2o.locator import selectors

    monkeypatch.setattr(selectors, "WALK_MOST", 2)  # no walk is allowed: the box answers
    knn, bbox = both_paths(settings, far_north, 60.17, 24.94, limit=5)
    assert knn == bbox
    assert len(knn) == 5


def test_the_walk_reads_the_index_in_its_order(settings, network):
    from o2o.locator.selectors import stock_walk_sql

    _brand, variants, _foreign, _outlets = network
    plan = explain(*stock_walk_sql(variants[0], *PUNE, 50, 20))
    assert "Index Scan using stock_variant_spot" in plan, plan
    assert "Order By: (spot <-> " in plan, plan
