"""What is kept for a while only is forgotten after its window, by beat, in batches: an
Idempotency-Key replayed inside its window gets the first answer, outside it makes a new
request; old delta event ids, stock files of finished runs and searches go."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.utils import timezone

from o2o.inventory.models import IdempotencyRecord, StockEvent, SyncRun
from o2o.inventory.tasks import prune_old_records_task
from o2o.locator.models import DemandSignal
from o2o.locator.tasks import prune_demand_signals_task
from tests.factories import minutes_ago

URL = "/api/v1/outlets/pune-1/stock/"


def push(pos, capture, body, key):
    with capture(execute=True):
        return pos.post(URL, body, format="json", headers={"Idempotency-Key": key})


def test_a_replay_inside_the_window_is_answered_and_one_outside_is_new(
    world, pos, settings, django_capture_on_commit_callbacks
):
    settings.O2O_IDEMPOTENCY_DAYS = 7
    body = {"as_of": minutes_ago(1), "items": [{"sku": world.variant.sku, "on_hand": 2}]}
    first = push(pos, django_capture_on_commit_callbacks, body, "k1")
    assert first.status_code == 202
    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
        again = push(pos, django_capture_on_commit_callbacks, body, "k1")
        prune_old_records_task.delay()  # the pruner leaves a record inside its window
    assert again.json() == first.json()
    assert SyncRun.objects.count() == 1
    with time_machine.travel(timezone.now() + timedelta(days=7, hours=1)):
        later = push(pos, django_capture_on_commit_callbacks, body, "k1")
    assert later.status_code == 202
    assert later.json()["sync_run"] != first.json()["sync_run"]  # a new request, a new run
    assert SyncRun.objects.count() == 2
    assert IdempotencyRecord.objects.count() == 1  # the key now answers for the new run


def test_beat_prunes_old_records_in_batches(world, settings):
    settings.O2O_RETENTION_BATCH = 2  # five old rows: three batches
    from o2o.inventory.models import Integration

    integration = Integration.objects.create(retailer=world.outlet.retailer, name="POS")
    old, recent = timezone.now() - timedelta(days=40), timezone.now() - timedelta(days=1)
    for index in range(5):
        IdempotencyRecord.objects.create(
            integration=integration, key=f"old-{index}", request_hash="h", status_code=202, body={}
        )
        StockEvent.objects.create(outlet=world.outlet, event_id=f"old-{index}")
    IdempotencyRecord.objects.update(created_at=old)
    StockEvent.objects.update(created_at=old)
    IdempotencyRecord.objects.create(
        integration=integration, key="new", request_hash="h", status_code=202, body={}
    )
    StockEvent.objects.create(outlet=world.outlet, event_id="new")
    StockEvent.objects.filter(event_id="new").update(created_at=recent)

    counts = prune_old_records_task.delay().get()

    assert counts["idempotency_records"] == 5
    assert counts["stock_events"] == 5
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
    assert list(StockEvent.objects.values_list("event_id", flat=True)) == ["new"]
    world.level.refresh_from_db()
    assert world.level.on_hand == 5  # no stock row was touched


def _run_with_file(world, *, status, days_ago):
    run = SyncRun.objects.create(
        retailer=world.outlet.retailer,
        outlet=world.outlet,
        source=SyncRun.Source.FILE,
        file_format=SyncRun.FileFormat.CSV,
        status=status,
        as_of=timezone.now(),
    )
    run.payload_file.save("stock.csv", ContentFile(b"outlet,sku,on_hand\n"), save=True)
    SyncRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    return run


def test_old_stock_files_of_finished_runs_leave_the_storage(world, settings):
    settings.O2O_SYNC_FILE_DAYS = 30
    old = _run_with_file(world, status=SyncRun.Status.APPLIED, days_ago=31)
    recent = _run_with_file(world, status=SyncRun.Status.APPLIED, days_ago=2)
    unfinished = _run_with_file(world, status=SyncRun.Status.QUEUED, days_ago=31)
    storage, old_name = old.payload_file.storage, old.payload_file.name

    assert prune_old_records_task.delay().get()["sync_files"] == 1

    assert not storage.exists(old_name)
    old.refresh_from_db()
    assert old.payload_file.name == ""
    assert old.status == SyncRun.Status.APPLIED
    for kept in (recent, unfinished):
        kept.refresh_from_db()
        assert storage.exists(kept.payload_file.name)


@pytest.mark.parametrize("batch", [1, 3, 5000])
def test_old_searches_are_pruned(world, settings, batch):
    settings.O2O_DEMAND_SIGNAL_DAYS = 365
    settings.O2O_RETENTION_BATCH = batch
    signal = {"brand": world.brand, "variant": world.variant, "cell_lat": 18.5, "cell_lng": 73.8}
    for _ in range(4):
        DemandSignal.objects.create(found=True, **signal)
    DemandSignal.objects.update(created_at=timezone.now() - timedelta(days=400))
    DemandSignal.objects.create(found=False, **signal)

    assert prune_demand_signals_task.delay().get() == 4
    assert list(DemandSignal.objects.values_list("found", flat=True)) == [False]
