from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from o2o.inventory.models import StockLevel, SyncRun
from o2o.reservations import services as reservations
from o2o.reservations.models import Reservation
from tests.factories import OutletFactory, VariantFactory, announce_what_setup_made, stock


def as_of(minutes_ago=0):
    return (timezone.now() - timedelta(minutes=minutes_ago)).isoformat()


def push(client, capture, body, code="pune-1", **kwargs):
    with capture(execute=True):
        return client.post(f"/api/v1/outlets/{code}/stock/", body, format="json", **kwargs)


def on_hand(outlet, variant):
    return StockLevel.objects.get(outlet=outlet, variant=variant).on_hand


def test_snapshot_is_accepted_applied_and_reported(world, pos, django_capture_on_commit_callbacks):
    body = {
        "as_of": as_of(1),
        "items": [
            {"sku": world.variant.sku, "on_hand": 7},
            {"sku": world.other_variant.gtin, "on_hand": 3},  # matched by GTIN
        ],
    }
    response = push(pos, django_capture_on_commit_callbacks, body)
    assert response.status_code == 202, response.json()
    run_id = response.json()["sync_run"]
    assert on_hand(world.outlet, world.variant) == 7
    assert on_hand(world.outlet, world.other_variant) == 3

    report = pos.get(f"/api/v1/sync-runs/{run_id}/").json()
    assert report["sync_run"]["status"] == "applied"
    assert (report["sync_run"]["rows_applied"], report["sync_run"]["rows_rejected"]) == (2, 0)
    world.outlet.refresh_from_db()
    assert world.outlet.stock_synced_at is not None


def test_bad_rows_are_reported_and_good_rows_still_apply(
    world, pos, django_capture_on_commit_callbacks
):
    third = VariantFactory(product=world.product, sku="AUR-12-512-RED")
    body = {
        "as_of": as_of(1),
        "items": [
            {"sku": world.variant.sku, "on_hand": 9},
            {"sku": "NO-SUCH-SKU", "on_hand": 1},
            {"sku": world.other_variant.sku, "on_hand": -2},
            {"sku": third.sku, "on_hand": "lots"},
            {"on_hand": 4},
            "not an object",
        ],
    }
    run_id = push(pos, django_capture_on_commit_callbacks, body).json()["sync_run"]
    report = pos.get(f"/api/v1/sync-runs/{run_id}/").json()
    assert report["sync_run"]["rows_applied"] == 1
    assert report["sync_run"]["rows_rejected"] == 5
    reasons = {error["line"]: error["message"] for error in report["row_errors"]}
    assert "unknown SKU" in reasons[2]
    assert "negative" in reasons[3]
    assert "whole number" in reasons[4]
    assert "missing" in reasons[5]
    assert "object" in reasons[6]
    assert on_hand(world.outlet, world.variant) == 9


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"items": []}, "as_of"),
        ({"as_of": "yesterday", "items": []}, "as_of"),
        ({"as_of": "2026-01-01T10:00:00", "items": []}, "as_of"),
        ({"as_of": "2026-01-01T10:00:00Z", "items": {"sku": "x"}}, "items"),
        ({"as_of": "2099-01-01T10:00:00Z", "items": []}, "as_of"),
        ([1, 2, 3], None),
    ],
)
def test_malformed_bodies_get_a_400_with_a_json_error(
    world, pos, body, field, django_capture_on_commit_callbacks
):
    response = push(pos, django_capture_on_commit_callbacks, body)
    assert response.status_code == 400
    payload = response.json()
    assert payload["code"] in ("invalid", "invalid_snapshot")
    if field:
        assert field in payload["fields"]
    assert not SyncRun.objects.exists()


def test_invalid_json_gets_a_400_not_a_500(world, pos):
    response = pos.post(
        "/api/v1/outlets/pune-1/stock/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_tokens_are_required_and_scoped_to_the_retailer(world, pos):
    anonymous = APIClient().post("/api/v1/outlets/pune-1/stock/", {}, format="json")
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "not_authenticated"
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Bearer nope")
    assert bad.post("/api/v1/outlets/pune-1/stock/", {}, format="json").status_code == 401
    stranger = OutletFactory(code="elsewhere")
    response = pos.post(
        f"/api/v1/outlets/{stranger.code}/stock/", {"as_of": as_of(), "items": []}, format="json"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_outlet"


def test_replayed_and_older_snapshots_are_ignored_with_a_reason(
    world, pos, django_capture_on_commit_callbacks
):
    newer = {"as_of": as_of(5), "items": [{"sku": world.variant.sku, "on_hand": 8}]}
    older = {"as_of": as_of(60), "items": [{"sku": world.variant.sku, "on_hand": 1}]}
    push(pos, django_capture_on_commit_callbacks, newer)
    replay = push(pos, django_capture_on_commit_callbacks, newer).json()["sync_run"]
    stale = push(pos, django_capture_on_commit_callbacks, older).json()["sync_run"]
    assert on_hand(world.outlet, world.variant) == 8
    for run_id in (replay, stale):
        run = SyncRun.objects.get(pk=run_id)
        assert run.status == "ignored"
        assert "Not newer" in run.message


def test_unlisted_items_go_to_zero_but_rejected_rows_keep_their_count(
    world, pos, django_capture_on_commit_callbacks
):
    stock(world.outlet, world.other_variant, 4)
    third = VariantFactory(product=world.product, sku="AUR-12-512-RED")
    stock(world.outlet, third, 6)
    body = {
        "as_of": as_of(1),
        "items": [
            {"sku": world.variant.sku, "on_hand": 2},
            {"sku": third.sku, "on_hand": "n/a"},
        ],
    }
    push(pos, django_capture_on_commit_callbacks, body)
    assert on_hand(world.outlet, world.variant) == 2
    assert on_hand(world.outlet, world.other_variant) == 0
    assert on_hand(world.outlet, third) == 6


def test_units_collected_after_as_of_are_not_resurrected(
    world, pos, django_capture_on_commit_callbacks
):
    counted_at = as_of(10)
    reservation = reservations.reserve(
        outlet=world.outlet,
        variant=world.variant,
        quantity=2,
        shopper_name="A",
        shopper_email="a@example.com",
        shopper_phone="+91 9000000000",
    )
    reservations.collect(reservation_id=reservations.confirm(reservation_id=reservation.pk).pk)
    assert on_hand(world.outlet, world.variant) == 3
    # the POS counted 5 before the sale: applying it blindly would bring the 2 units back
    push(
        pos,
        django_capture_on_commit_callbacks,
        {"as_of": counted_at, "items": [{"sku": world.variant.sku, "on_hand": 5}]},
    )
    assert on_hand(world.outlet, world.variant) == 3


def test_a_count_below_held_units_drops_the_newest_holds(
    world, pos, mailoutbox, django_capture_on_commit_callbacks
):
    shopper = {"shopper_name": "A", "shopper_phone": "+91 9000000000"}
    older = reservations.reserve(
        outlet=world.outlet,
        variant=world.variant,
        quantity=2,
        shopper_email="old@example.com",
        **shopper,
    )
    newer = reservations.reserve(
        outlet=world.outlet,
        variant=world.variant,
        quantity=2,
        shopper_email="new@example.com",
        **shopper,
    )
    announce_what_setup_made()
    mailoutbox.clear()
    run_id = push(
        pos,
        django_capture_on_commit_callbacks,
        {
            "as_of": as_of(0),
            "items": [{"sku": world.variant.sku, "on_hand": 3}],
        },
    ).json()["sync_run"]
    level = StockLevel.objects.get(outlet=world.outlet, variant=world.variant)
    assert (level.on_hand, level.reserved) == (3, 2)
    assert Reservation.objects.get(pk=older.pk).status == "pending"
    dropped = Reservation.objects.get(pk=newer.pk)
    assert dropped.status == "declined"
    assert dropped.stock_shortfall
    assert SyncRun.objects.get(pk=run_id).holds_dropped == 1
    assert [m.to for m in mailoutbox] == [["new@example.com"]]
