from datetime import timedelta

from django.utils import timezone

from o2o.inventory.models import StockLevel
from o2o.locator.models import BackInStockRequest
from o2o.locator.tasks import notify_back_in_stock_task


def test_shopper_is_mailed_once_when_a_sync_brings_the_variant_back(
    client, world, pos, mailoutbox, django_capture_on_commit_callbacks
):
    StockLevel.objects.filter(pk=world.level.pk).update(on_hand=0)
    page = client.get(f"/aurora/aurora-12/?variant={world.variant.pk}&city=Pune").content.decode()
    assert "Notify me" in page
    response = client.post(f"/notify/{world.variant.pk}/", {"email": "Priya@Example.com"})
    assert response.status_code == 302
    assert "available near Pune" in client.get(response["Location"]).content.decode()
    request = BackInStockRequest.objects.get()
    assert request.email == "priya@example.com"
    assert request.place == "Pune"

    assert notify_back_in_stock_task.delay().get() == 0  # still out of stock: nothing sent
    with django_capture_on_commit_callbacks(execute=True):
        pos.post(
            "/api/v1/outlets/pune-1/stock/",
            {
                "as_of": (timezone.now() - timedelta(minutes=1)).isoformat(),
                "items": [{"sku": world.variant.sku, "on_hand": 2}],
            },
            format="json",
        )
    assert [m.to for m in mailoutbox] == [["priya@example.com"]]
    assert "Back in stock" in mailoutbox[0].subject
    assert "Pune Mobiles" in mailoutbox[0].body
    assert notify_back_in_stock_task.delay().get() == 0  # never twice


def test_back_in_stock_needs_an_email_and_a_place(client, world):
    response = client.post(f"/notify/{world.variant.pk}/", {"email": "x@example.com"})
    assert response.status_code == 302
    assert not BackInStockRequest.objects.exists()
    client.get("/aurora/aurora-12/?city=Pune")
    client.post(f"/notify/{world.variant.pk}/", {"email": "not-an-email"})
    assert not BackInStockRequest.objects.exists()
