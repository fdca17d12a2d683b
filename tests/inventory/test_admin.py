"""The admin's stock tools go through the sync engine, and keep secrets secret."""

from django.core.files.uploadedfile import SimpleUploadedFile

from o2o.inventory.models import Integration, StockFeed, StockLevel, SyncRun
from tests.factories import minutes_ago


def test_admin_upload_goes_through_the_engine(
    admin_client, world, django_capture_on_commit_callbacks
):
    page = admin_client.get("/admin/inventory/syncrun/")
    assert "Upload a stock file" in page.content.decode()
    content = f"sku,on_hand\n{world.variant.sku},9\nNOPE,1\n".encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/inventory/syncrun/upload/",
            {
                "file": SimpleUploadedFile("count.csv", content),
                "retailer": world.outlet.retailer.pk,
                "outlet": world.outlet.pk,
                "as_of": minutes_ago(1)[:19].replace("T", " "),
            },
        )
    assert response.status_code == 302, response.content.decode()[-2000:]
    run = SyncRun.objects.get()
    assert (run.source, run.status, run.rows_applied, run.rows_rejected) == (
        "file",
        "applied",
        1,
        1,
    )
    assert StockLevel.objects.get(pk=world.level.pk).on_hand == 9
    detail = admin_client.get(response["Location"]).content.decode()
    assert "unknown SKU" in detail


def test_admin_upload_errors_are_form_errors(admin_client, world):
    response = admin_client.post(
        "/admin/inventory/syncrun/upload/",
        {
            "file": SimpleUploadedFile("count.pdf", b"%PDF"),
            "retailer": world.outlet.retailer.pk,
            "as_of": "2026-01-01 10:00:00",
        },
    )
    assert response.status_code == 200
    assert "Upload a .csv, .xlsx or .json file." in response.content.decode()
    assert not SyncRun.objects.exists()


def test_feed_auth_header_is_never_shown_and_kept_when_left_empty(admin_client, world):
    feed = StockFeed.objects.create(
        retailer=world.outlet.retailer, url="https://pos.example/s", auth_header="Bearer top-secret"
    )
    page = admin_client.get(f"/admin/inventory/stockfeed/{feed.pk}/change/").content.decode()
    assert "top-secret" not in page
    response = admin_client.post(
        f"/admin/inventory/stockfeed/{feed.pk}/change/",
        {
            "retailer": world.outlet.retailer.pk,
            "url": "https://pos.example/s2",
            "file_format": "csv",
            "column_mapping": "{}",
            "auth_header": "",
            "interval_minutes": 15,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    feed.refresh_from_db()
    assert feed.url == "https://pos.example/s2"
    assert feed.auth_header == "Bearer top-secret"


def test_admin_creates_and_rotates_tokens_shown_once(admin_client, world):
    response = admin_client.post(
        "/admin/inventory/integration/add/",
        {
            "name": "Till",
            "retailer": world.outlet.retailer.pk,
            "is_active": "on",
        },
        follow=True,
    )
    text = response.content.decode()
    assert "shown once" in text
    integration = Integration.objects.get(name="Till")
    assert integration.token_prefix in text
    old_hash = integration.token_hash
    admin_client.post(
        "/admin/inventory/integration/",
        {
            "action": "rotate",
            "_selected_action": [integration.pk],
        },
    )
    integration.refresh_from_db()
    assert integration.token_hash != old_hash
    assert integration.rotated_at
