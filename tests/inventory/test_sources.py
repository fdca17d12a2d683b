"""Deltas, files, idempotency, history and tokens: every source ends in the same engine."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from rest_framework.test import APIClient

from o2o.inventory import integrations
from o2o.inventory.models import StockLevel, StockMovement, SyncRun
from o2o.reservations import services as reservations
from tests.factories import (
    BrandFactory,
    OutletFactory,
    VariantFactory,
    authorise,
    minutes_ago,
    stock,
)


def on_hand(outlet, variant):
    return StockLevel.objects.get(outlet=outlet, variant=variant).on_hand


def report(client, run_id):
    return client.get(f"/api/v1/sync-runs/{run_id}/").json()


def post(client, capture, url, body, **headers):
    with capture(execute=True):
        return client.post(url, body, format="json", headers=headers)


# deltas ---------------------------------------------------------------------------


def test_deltas_apply_once_whatever_the_retries(world, pos, django_capture_on_commit_callbacks):
    body = {
        "events": [
            {"event_id": "sale-1", "sku": world.variant.sku, "delta": -2},
            {"event_id": "rcpt-1", "sku": world.variant.sku, "delta": 4, "reason": "receipt"},
            {"event_id": "sale-2", "sku": world.other_variant.gtin, "delta": 3},
        ]
    }
    url = "/api/v1/outlets/pune-1/stock/deltas/"
    first = post(pos, django_capture_on_commit_callbacks, url, body)
    assert first.status_code == 202
    second = post(pos, django_capture_on_commit_callbacks, url, body)
    assert on_hand(world.outlet, world.variant) == 7
    assert on_hand(world.outlet, world.other_variant) == 3  # created by a receipt
    replay = report(pos, second.json()["sync_run"])["sync_run"]
    assert (replay["rows_applied"], replay["rows_ignored"]) == (0, 3)
    assert StockMovement.objects.filter(reference="sale-1", on_hand_delta=-2).count() == 1


def test_bad_delta_rows_are_reported(world, pos, django_capture_on_commit_callbacks):
    body = {
        "events": [
            {"event_id": "ok", "sku": world.variant.sku, "delta": -1},
            {"sku": world.variant.sku, "delta": -1},
            {"event_id": "z", "sku": world.variant.sku, "delta": 0},
            {"event_id": "n", "sku": world.variant.sku, "delta": "many"},
            {"event_id": "u", "sku": "NOPE", "delta": 1},
            {"event_id": "ok", "sku": world.variant.sku, "delta": -1},
            {"event_id": "t", "sku": world.variant.sku, "delta": 1, "occurred_at": "yesterday"},
            {"event_id": "r", "sku": world.variant.sku, "delta": 1, "reason": "theft?"},
        ]
    }
    run_id = post(
        pos, django_capture_on_commit_callbacks, "/api/v1/outlets/pune-1/stock/deltas/", body
    ).json()["sync_run"]
    result = report(pos, run_id)
    assert result["sync_run"]["rows_applied"] == 1
    messages = {e["line"]: e["message"] for e in result["row_errors"]}
    assert set(messages) == {2, 3, 4, 5, 6, 7, 8}
    assert "event_id is missing" in messages[2]
    assert "zero" in messages[3]
    assert "duplicate event_id" in messages[6]
    assert on_hand(world.outlet, world.variant) == 4


def test_a_sale_below_held_units_drops_the_newest_hold(
    world, pos, django_capture_on_commit_callbacks
):
    held = reservations.reserve(
        outlet=world.outlet,
        variant=world.variant,
        quantity=3,
        shopper_name="A",
        shopper_email="a@example.com",
        shopper_phone="+91 9000000000",
    )
    post(
        pos,
        django_capture_on_commit_callbacks,
        "/api/v1/outlets/pune-1/stock/deltas/",
        {"events": [{"event_id": "walk-in", "sku": world.variant.sku, "delta": -4}]},
    )
    level = StockLevel.objects.get(pk=world.level.pk)
    assert (level.on_hand, level.reserved) == (1, 0)
    held.refresh_from_db()
    assert held.status == "declined"
    assert held.stock_shortfall


def test_deltas_before_the_applied_count_are_already_in_it(
    world, pos, django_capture_on_commit_callbacks
):
    post(
        pos,
        django_capture_on_commit_callbacks,
        "/api/v1/outlets/pune-1/stock/",
        {"as_of": minutes_ago(5), "items": [{"sku": world.variant.sku, "on_hand": 10}]},
    )
    post(
        pos,
        django_capture_on_commit_callbacks,
        "/api/v1/outlets/pune-1/stock/deltas/",
        {
            "events": [
                {
                    "event_id": "old",
                    "sku": world.variant.sku,
                    "delta": -1,
                    "occurred_at": minutes_ago(30),
                },
                {
                    "event_id": "new",
                    "sku": world.variant.sku,
                    "delta": -1,
                    "occurred_at": minutes_ago(1),
                },
            ]
        },
    )
    assert on_hand(world.outlet, world.variant) == 9
    # and a snapshot counted before the "new" sale does not bring the unit back
    post(
        pos,
        django_capture_on_commit_callbacks,
        "/api/v1/outlets/pune-1/stock/",
        {"as_of": minutes_ago(3), "items": [{"sku": world.variant.sku, "on_hand": 10}]},
    )
    assert on_hand(world.outlet, world.variant) == 9


# files -----------------------------------------------------------------------------


def upload(client, capture, content, name, **fields):
    with capture(execute=True):
        return client.post(
            "/api/v1/stock/files/",
            {
                "file": SimpleUploadedFile(name, content),
                "as_of": minutes_ago(1),
                **fields,
            },
            format="multipart",
        )


def test_csv_file_of_several_outlets(world, pos, django_capture_on_commit_callbacks):
    second = OutletFactory(code="pune-2", retailer=world.outlet.retailer)
    authorise(second, world.brand)
    foreign = OutletFactory(code="not-ours")
    authorise(foreign, world.brand)
    content = (
        "\ufeffOutlet;SKU;Qty\n"
        f"pune-1;{world.variant.sku};3\n"
        f"pune-2;{world.variant.sku};8\n"
        f"not-ours;{world.variant.sku};8\n"
        f"pune-2;{world.other_variant.gtin};x\n"
        "\n"
        f";{world.variant.sku};1\n"
    ).encode()
    response = upload(pos, django_capture_on_commit_callbacks, content, "stock.csv")
    assert response.status_code == 202, response.json()
    result = report(pos, response.json()["sync_run"])
    assert result["sync_run"]["status"] == "applied"
    assert result["sync_run"]["rows_applied"] == 2
    messages = {e["line"]: e["message"] for e in result["row_errors"]}
    assert "unknown outlet" in messages[4]
    assert "whole number" in messages[5]
    assert "outlet is missing" in messages[7]
    assert on_hand(world.outlet, world.variant) == 3
    assert on_hand(second, world.variant) == 8
    assert not StockLevel.objects.filter(outlet=foreign).exists()


def test_xlsx_file_with_a_column_mapping(world, pos, django_capture_on_commit_callbacks):
    book = Workbook()
    sheet = book.active
    sheet.append(["EAN", "Menge"])
    sheet.append([world.variant.gtin, 6])
    sheet.append([world.other_variant.sku, 2.0])
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload(
        pos,
        django_capture_on_commit_callbacks,
        buffer.getvalue(),
        "stock.xlsx",
        outlet="pune-1",
        column_mapping=json.dumps({"sku": "EAN", "on_hand": "Menge"}),
    )
    assert response.status_code == 202, response.json()
    assert report(pos, response.json()["sync_run"])["sync_run"]["rows_applied"] == 2
    assert on_hand(world.outlet, world.variant) == 6
    assert on_hand(world.outlet, world.other_variant) == 2


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"colour,size\nred,1\n", "stock.csv", "no sku or on_hand column"),
        (b"not a workbook", "stock.xlsx", "not a readable XLSX"),
        (b"{broken", "stock.json", "not valid JSON"),
        (b"\n\n", "stock.csv", "no sku or on_hand column"),
    ],
)
def test_files_of_the_wrong_shape_fail_with_a_reason(
    world, pos, content, name, message, django_capture_on_commit_callbacks
):
    response = upload(pos, django_capture_on_commit_callbacks, content, name, outlet="pune-1")
    run = SyncRun.objects.get(pk=response.json()["sync_run"])
    assert run.status == "failed"
    assert message in run.message
    assert on_hand(world.outlet, world.variant) == 5  # nothing changed


def test_file_requests_are_checked(world, pos):
    no_file = pos.post("/api/v1/stock/files/", {"as_of": minutes_ago()}, format="multipart")
    assert no_file.status_code == 400
    assert "file" in no_file.json()["fields"]
    empty = pos.post(
        "/api/v1/stock/files/",
        {
            "file": SimpleUploadedFile("stock.csv", b""),
            "as_of": minutes_ago(),
        },
        format="multipart",
    )
    assert empty.status_code == 400
    assert "file" in empty.json()["fields"]
    wrong = pos.post(
        "/api/v1/stock/files/",
        {
            "file": SimpleUploadedFile("stock.pdf", b"%PDF"),
            "as_of": minutes_ago(),
        },
        format="multipart",
    )
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "invalid_snapshot"


# idempotency, history, tokens ------------------------------------------------------


def test_idempotency_key_replays_the_first_answer(world, pos, django_capture_on_commit_callbacks):
    body = {"as_of": minutes_ago(1), "items": [{"sku": world.variant.sku, "on_hand": 2}]}
    url = "/api/v1/outlets/pune-1/stock/"
    first = post(pos, django_capture_on_commit_callbacks, url, body, **{"Idempotency-Key": "k1"})
    again = post(pos, django_capture_on_commit_callbacks, url, body, **{"Idempotency-Key": "k1"})
    assert first.status_code == again.status_code == 202
    assert first.json() == again.json()
    assert SyncRun.objects.count() == 1
    other = post(
        pos,
        django_capture_on_commit_callbacks,
        url,
        {**body, "items": []},
        **{"Idempotency-Key": "k1"},
    )
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"


def test_sync_history_per_outlet(
    world, pos, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    for minutes in (30, 20, 10):
        post(
            pos,
            django_capture_on_commit_callbacks,
            "/api/v1/outlets/pune-1/stock/",
            {"as_of": minutes_ago(minutes), "items": []},
        )
    with django_assert_max_num_queries(4):
        page = pos.get("/api/v1/outlets/pune-1/sync-runs/").json()
    assert [run["status"] for run in page["results"]] == ["applied"] * 3
    assert page["results"][0]["id"] > page["results"][-1]["id"]


def test_rotated_and_revoked_tokens_stop_working(world):
    integration, old = integrations.create_integration(retailer=world.outlet.retailer, name="POS")
    client = APIClient()
    new = integrations.rotate_token(integration_id=integration.pk)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {old}")
    assert client.get("/api/v1/outlets/pune-1/sync-runs/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {new}")
    assert client.get("/api/v1/outlets/pune-1/sync-runs/").status_code == 200
    integrations.revoke_token(integration_id=integration.pk)
    assert client.get("/api/v1/outlets/pune-1/sync-runs/").status_code == 401


def test_brand_tokens_reach_the_brands_outlets_and_skus_only(
    world, django_capture_on_commit_callbacks
):
    other_brand = BrandFactory()
    foreign_variant = VariantFactory(product__brand=other_brand, sku="OTHER-1")
    authorise(world.outlet, other_brand)
    stock(world.outlet, foreign_variant, 4)
    _integration, token = integrations.create_integration(brand=world.brand, name="Brand POS")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    unauthorised = OutletFactory(code="not-authorised")
    response = client.post(
        f"/api/v1/outlets/{unauthorised.code}/stock/",
        {"as_of": minutes_ago(), "items": []},
        format="json",
    )
    assert response.status_code == 404
    body = {
        "as_of": minutes_ago(1),
        "items": [{"sku": world.variant.sku, "on_hand": 1}, {"sku": "OTHER-1", "on_hand": 0}],
    }
    run_id = post(
        client, django_capture_on_commit_callbacks, "/api/v1/outlets/pune-1/stock/", body
    ).json()["sync_run"]
    result = report(client, run_id)
    assert result["sync_run"]["rows_rejected"] == 1
    assert on_hand(world.outlet, world.variant) == 1
    assert on_hand(world.outlet, foreign_variant) == 4  # another brand's stock is untouched


def test_a_hundred_thousand_row_push_is_accepted_and_applied(
    world, pos, django_capture_on_commit_callbacks
):
    variants = VariantFactory.create_batch(200, product=world.product)
    # 200 real rows and 99,800 rows of unknown SKUs, each of which must be reported
    body = {
        "as_of": minutes_ago(1),
        "items": [{"sku": v.sku, "on_hand": j % 7} for j, v in enumerate(variants)]
        + [{"sku": f"UNKNOWN-{n}", "on_hand": 1} for n in range(99_800)],
    }
    response = post(pos, django_capture_on_commit_callbacks, "/api/v1/outlets/pune-1/stock/", body)
    assert response.status_code == 202
    run = SyncRun.objects.get(pk=response.json()["sync_run"])
    assert (run.status, run.rows_total, run.rows_applied, run.rows_rejected) == (
        "applied",
        100_000,
        200,
        99_800,
    )
    assert StockLevel.objects.filter(outlet=world.outlet, on_hand__gt=0).count() == sum(
        1 for j in range(200) if j % 7
    )
