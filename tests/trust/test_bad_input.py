# ruff: noqa: UP031  (JSON written by hand, with the escapes a client would send)
"""Bad input never reaches a 500, every API error is JSON with a code, and a sync run
never stays stuck: one bad row is a row error, a broken file a failed run, stock as before."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from o2o.inventory import services
from o2o.inventory.models import StockLevel, SyncRun
from tests.factories import minutes_ago


def push(client, capture, body, path="/api/v1/outlets/pune-1/stock/", **kwargs):
    with capture(execute=True):
        return client.post(path, body, format="json", **kwargs)


def raw_push(client, capture, data, path="/api/v1/outlets/pune-1/stock/"):
    with capture(execute=True):
        return client.post(path, data=data, content_type="application/json")


def assert_json_error(response, status, code=None):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert body["code"], body
    if code:
        assert body["code"] == code, body
    return body


@pytest.mark.parametrize(
    "as_of",
    [
        "2026-02-30T10:00:00Z",  # no such day
        "2026-13-01T10:00:00Z",  # month 13
        "2026-11-01T25:00:00Z",
        "2026-11-01T10:00:00+19:00",  # offsets beyond ±14 h
        "2026-11-01T10:00:00-23:59",
        "0001-01-01T00:00:00+14:00",  # stored as 1 BC, then every list broke
        "1899-12-31T00:00:00Z",
        "2099-01-01T00:00:00Z",
        "2026-11-01T10:00:00",  # no zone
        "x" * 10_000,
    ],
)
def test_impossible_or_insane_as_of_is_a_400_with_a_reason(
    world, pos, django_capture_on_commit_callbacks, as_of
):
    body = {"as_of": as_of, "items": [{"sku": world.variant.sku, "on_hand": 1}]}
    response = push(pos, django_capture_on_commit_callbacks, body)
    error = assert_json_error(response, 400)
    assert "as_of" in str(error)
    assert not SyncRun.objects.exists()
    assert StockLevel.objects.get(pk=world.level.pk).on_hand == 5


def test_nul_bytes_and_lone_surrogates_are_row_errors_and_the_rest_applies(
    world, pos, django_capture_on_commit_callbacks
):
    data = (
        '{"as_of": "%s", "items": ['
        '{"sku": "AUR\\u0000-12", "on_hand": 1},'
        '{"sku": "\\ud800", "on_hand": 2},'
        '{"sku": "%s", "on_hand": "\\u0000"},'
        '{"sku": "%s", "on_hand": 8}]}'
    ) % (minutes_ago(1), world.other_variant.sku, world.variant.sku)
    response = raw_push(pos, django_capture_on_commit_callbacks, data)
    assert response.status_code == 202, response.content
    run = SyncRun.objects.get()
    assert run.status == "applied"
    assert (run.rows_applied, run.rows_rejected) == (1, 3)
    assert StockLevel.objects.get(pk=world.level.pk).on_hand == 8
    messages = list(run.row_errors.values_list("line", "message"))
    assert [line for line, _ in messages] == [1, 2, 3]
    report = pos.get(f"/api/v1/sync-runs/{run.pk}/").json()
    assert len(report["row_errors"]) == 3


def test_a_null_item_is_one_row_error_not_a_refused_snapshot(
    world, pos, django_capture_on_commit_callbacks
):
    body = {"as_of": minutes_ago(1), "items": [None, {"sku": world.variant.sku, "on_hand": 2}]}
    response = push(pos, django_capture_on_commit_callbacks, body)
    assert response.status_code == 202, response.json()
    run = SyncRun.objects.get()
    assert (run.status, run.rows_applied, run.rows_rejected) == ("applied", 1, 1)
    assert run.row_errors.get().line == 1
    assert StockLevel.objects.get(pk=world.level.pk).on_hand == 2


def test_deltas_with_null_and_bad_dates_are_row_errors(
    world, pos, django_capture_on_commit_callbacks
):
    events = [
        None,
        {
            "event_id": "a",
            "sku": world.variant.sku,
            "delta": -1,
            "occurred_at": "2026-02-30T10:00:00Z",
        },
        {"event_id": "b", "sku": world.variant.sku, "delta": 5, "occurred_at": "2099-01-01T00:00Z"},
        {
            "event_id": "c",
            "sku": world.variant.sku,
            "delta": -1,
            "occurred_at": "0001-01-01T00:00:00+14:00",
        },
        {"event_id": "d", "sku": world.variant.sku, "delta": -2},
    ]
    response = push(
        pos,
        django_capture_on_commit_callbacks,
        {"events": events},
        path="/api/v1/outlets/pune-1/stock/deltas/",
    )
    assert response.status_code == 202, response.json()
    run = SyncRun.objects.get()
    assert (run.status, run.rows_applied, run.rows_rejected) == ("applied", 1, 4)
    assert StockLevel.objects.get(pk=world.level.pk).on_hand == 3  # 5 - 2, no phantom +5
    reasons = " ".join(run.row_errors.values_list("message", flat=True))
    assert "future" in reasons
    assert "real date" in reasons


def test_json_nested_deeper_than_the_parser_is_a_json_400(
    world, pos, django_capture_on_commit_callbacks
):
    deep = "[" * 100_000 + "]" * 100_000
    response = raw_push(
        pos, django_capture_on_commit_callbacks, '{"as_of": "x", "items": %s}' % deep
    )
    assert_json_error(response, 400)


def test_json_items_nested_too_deep_to_store_are_row_errors(
    world, pos, django_capture_on_commit_callbacks
):
    deep = "[" * 200 + "]" * 200
    data = '{"as_of": "%s", "items": [{"sku": %s, "on_hand": 1}, {"sku": "%s", "on_hand": 4}]}' % (
        minutes_ago(1),
        deep,
        world.variant.sku,
    )
    response = raw_push(pos, django_capture_on_commit_callbacks, data)
    assert response.status_code == 202
    run = SyncRun.objects.get()
    assert (run.rows_applied, run.rows_rejected) == (1, 1)


def test_a_body_over_the_limit_is_a_json_413_with_the_limit(world, pos, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = pos.post(
        "/api/v1/outlets/pune-1/stock/",
        data='{"as_of": "%s", "items": [%s]}' % (minutes_ago(1), ",".join(["1"] * 2000)),
        content_type="application/json",
    )
    body = assert_json_error(response, 413, "too_large")
    assert body["limit"] == 1000


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/outlets/not a slug!/stock/",
        "/api/v1/brands/%E2%9C%93/products/",
        "/api/v1/no-such-endpoint/",
        "/api/v1/sync-runs/abc/",
    ],
)
def test_unknown_api_paths_are_json_404s(world, pos, path):
    assert_json_error(pos.get(path), 404, "not_found")


def test_storefront_404s_stay_html(db, client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def _upload(world, name, content, capture):
    with capture(execute=True):
        run = services.queue_file(
            uploaded=SimpleUploadedFile(name, content),
            as_of=minutes_ago(1),
            outlet=world.outlet,
        )
    run.refresh_from_db()
    return run


@pytest.mark.parametrize(
    "content",
    [
        "sku,on_hand\n{sku},²\n{other},3\n",  # '²' passes str.isdigit()
        "sku,on_hand\n{sku}\x00,1\n{other},3\n",  # NUL bytes
        "sku,on_hand\n{sku}," + "9" * 200_000 + "\n{other},3\n",  # a cell over the field limit
        "sku,on_hand\n\x00\x00\x00,\x00\n{other},3\n",
    ],
)
def test_a_csv_with_a_poisoned_row_applies_its_good_rows(
    world, django_capture_on_commit_callbacks, content
):
    text = content.format(sku=world.variant.sku, other=world.other_variant.sku)
    run = _upload(world, "count.csv", text.encode(), django_capture_on_commit_callbacks)
    assert run.status == "applied", run.message
    assert run.rows_rejected == 1
    assert StockLevel.objects.get(outlet=world.outlet, variant=world.other_variant).on_hand == 3
    if "²" in content:  # a known item with a bad count keeps its count
        assert StockLevel.objects.get(pk=world.level.pk).on_hand == 5


def _xlsx(world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["sku", "on_hand"])
    for _ in range(2000):
        sheet.append([world.variant.sku, 1])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _truncated_member_xlsx(world):
    """A workbook whose zip directory is intact but whose sheet is cut mid-stream."""
    source = zipfile.ZipFile(io.BytesIO(_xlsx(world)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.endswith("sheet1.xml"):
                data = data[: len(data) // 2]
            target.writestr(info.filename, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("count.xlsx", lambda world: _xlsx(world)[:3000]),  # truncated file
        ("count.xlsx", _truncated_member_xlsx),  # truncated sheet inside
        ("count.json", lambda world: b"[" * 100_000 + b"]" * 100_000),
        ("count.json", lambda world: b"\xff\xfe\x00garbage"),
        ("count.csv", lambda world: b"\x00" * 10 + b"\n" + b"\x00,\x00\n"),
    ],
)
def test_a_broken_file_fails_its_run_and_leaves_the_stock_as_before(
    world, django_capture_on_commit_callbacks, name, content
):
    run = _upload(world, name, content(world), django_capture_on_commit_callbacks)
    assert run.status == "failed"
    assert run.message
    assert run.finished_at is not None
    assert StockLevel.objects.get(pk=world.level.pk).on_hand == 5


def test_an_unexpected_error_fails_the_run_with_a_message_and_rolls_back(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    from o2o.inventory.sync import snapshots

    def explode(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(snapshots, "_write_levels", explode)
    body = [{"sku": world.variant.sku, "on_hand": 1}]
    with django_capture_on_commit_callbacks(execute=True):
        run = services.queue_snapshot(outlet=world.outlet, as_of=minutes_ago(1), items=body)
    run.refresh_from_db()
    assert run.status == "failed"
    assert "boom" not in run.message
    assert "stock is as it was" in run.message
    assert StockLevel.objects.get(pk=world.level.pk).on_hand == 5


def test_the_database_refuses_instants_no_page_could_read_back(world):
    import datetime

    from django.db import IntegrityError, transaction

    for as_of in (
        datetime.datetime(1, 1, 1, tzinfo=datetime.UTC),
        datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            SyncRun.objects.create(outlet=world.outlet, source="push", as_of=as_of)


def test_sync_run_lists_answer_at_the_edges_of_what_is_stored(world, pos, admin_client):
    import datetime

    for as_of in (
        datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC),
        datetime.datetime(8999, 12, 31, tzinfo=datetime.UTC),
    ):
        SyncRun.objects.create(
            retailer=world.outlet.retailer, outlet=world.outlet, source="push", as_of=as_of
        )
    listed = pos.get("/api/v1/outlets/pune-1/sync-runs/")
    assert listed.status_code == 200
    assert len(listed.json()["results"]) == 2
    assert admin_client.get("/admin/inventory/syncrun/").status_code == 200


# a well-formed address longer than an e-mail column holds (Django accepts up to 320)
LONG_EMAIL = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".example.com"


def test_an_address_too_long_to_store_is_a_field_error_everywhere(client, world):
    from rest_framework.test import APIClient

    from o2o.launches.models import QueueTicket
    from o2o.reservations.models import Reservation
    from tests.factories import api_reservation, launch_on_sale, page_reservation

    assert 254 < len(LONG_EMAIL) <= 320
    api = APIClient()
    reserved = api.post(
        "/api/v1/reservations/", api_reservation(world, shopper_email=LONG_EMAIL), format="json"
    )
    assert (reserved.status_code, list(reserved.json()["fields"])) == (400, ["shopper_email"])
    page = client.post(
        f"/reserve/pune-1/{world.variant.pk}/", page_reservation(shopper_email=LONG_EMAIL)
    )
    assert page.status_code == 400  # the form again, with its error
    assert page.context["form"].errors["shopper_email"]
    launch_on_sale(world, {world.outlet: 1})
    joined = api.post(
        f"/api/v1/launches/{world.brand.slug}/{world.product.slug}/queue/",
        {"email": LONG_EMAIL},
        format="json",
    )
    assert (joined.status_code, list(joined.json()["fields"])) == (400, ["email"])
    assert not Reservation.objects.exists()
    assert not QueueTicket.objects.exists()
