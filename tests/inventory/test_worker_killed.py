"""kill -9 of the worker process in the middle of a large apply: the task is redelivered,
the retried apply finishes, and the stock table equals a clean run's (nothing half-applied,
nothing twice)."""

import os
import signal
import subprocess
import time
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from o2o.catalogue.models import Variant
from o2o.celery import app
from o2o.inventory import services
from o2o.inventory.models import StockLevel, SyncRun
from o2o.outlets.models import Outlet, OutletAuthorization
from tests.factories import BrandFactory, ProductFactory, RetailerFactory, minutes_ago
from tests.worker_process import start_worker_process

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

OUTLETS, VARIANTS = 300, 1000


def _world():
    brand = BrandFactory()
    product = ProductFactory(brand=brand)
    retailer = RetailerFactory()
    variants = Variant.objects.bulk_create(
        Variant(
            product=product,
            brand=brand,
            sku=f"K-{i:05d}",
            gtin=None,
            attributes={"storage": "128", "colour": "Black"},
            version="128 GB · Black",
            price=Decimal("100.00"),
        )
        for i in range(VARIANTS)
    )
    outlets = Outlet.objects.bulk_create(
        Outlet(
            retailer=retailer,
            code=f"k-{i:04d}",
            name=f"Shop {i}",
            address="x",
            city="Pune",
            country="IN",
            latitude=18.5,
            longitude=73.8,
        )
        for i in range(OUTLETS)
    )
    OutletAuthorization.objects.bulk_create(
        OutletAuthorization(outlet=o, brand=brand) for o in outlets
    )
    return retailer, outlets, variants


def _csv(outlets, variants):
    lines = ["outlet,sku,on_hand"]
    expected = {}
    for o_index, outlet in enumerate(outlets):
        for v_index, variant in enumerate(variants):
            count = (o_index * 7 + v_index * 3) % 11
            lines.append(f"{outlet.code},{variant.sku},{count}")
            expected[(outlet.pk, variant.pk)] = count
    return ("\n".join(lines) + "\n").encode(), expected


def _apply_in_progress():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
            " AND state = 'active' AND query ILIKE %s",
            ["%o2o_stage%"],
        )
        return cursor.fetchone()[0] > 0


def _wait(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _queue_big_file(retailer, content):
    """Queue the big file (the worker takes it after commit) and wait until it is applying."""
    with transaction.atomic():
        run = services.queue_file(
            uploaded=SimpleUploadedFile("big.csv", content),
            as_of=minutes_ago(1),
            retailer=retailer,
        )
    assert _wait(_apply_in_progress, 90), "the worker never started applying"
    return run


def _stored():
    return {
        (o, v): n
        for o, v, n in StockLevel.objects.values_list(
            "outlet_id", "variant_id", "on_hand"
        ).iterator()
    }


def test_worker_killed_mid_apply_leaves_old_or_new_state_and_the_retry_finishes():
    retailer, outlets, variants = _world()
    content, expected = _csv(outlets, variants)
    app.control.purge()
    worker = start_worker_process()
    try:
        run = _queue_big_file(retailer, content)
        children = subprocess.run(
            ["pgrep", "-P", str(worker.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        assert children, "no pool process to kill"
        for pid in children:
            os.kill(int(pid), signal.SIGKILL)
        assert StockLevel.objects.count() == 0  # the killed apply left nothing behind

        def finished():
            return SyncRun.objects.get(pk=run.pk).status == "applied"

        assert _wait(finished, 180), "the redelivered task did not finish the job"
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)

    run.refresh_from_db()
    assert (run.rows_total, run.rows_applied, run.rows_rejected) == (len(expected),) * 2 + (0,)
    assert _stored() == expected


def test_a_whole_worker_killed_mid_apply_is_recovered_in_minutes_not_an_hour(settings):
    """kill -9 of the main worker process and its pool: nothing acknowledges or rejects the
    message, so Redis would only redeliver it after its visibility timeout. The beat's
    recovery sees the run's row unlocked (no live worker) and queues it again."""
    from o2o.inventory.sync.recovery import recover_sync_runs

    settings.O2O_SYNC_RECOVER_AFTER_SECONDS = 0
    retailer, outlets, variants = _world()
    content, expected = _csv(outlets, variants)
    app.control.purge()
    worker = start_worker_process()
    try:
        run = _queue_big_file(retailer, content)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    except BaseException:
        os.killpg(worker.pid, signal.SIGKILL)
        raise
    assert SyncRun.objects.get(pk=run.pk).status == "running"
    assert StockLevel.objects.count() == 0
    # the dead worker's database session ends when PostgreSQL notices; then the row unlocks
    assert _wait(lambda: recover_sync_runs() == (1, 0), 120), "the run was never recovered"
    assert SyncRun.objects.get(pk=run.pk).attempts == 1
    replacement = start_worker_process()
    try:
        assert _wait(lambda: SyncRun.objects.get(pk=run.pk).status == "applied", 180)
    finally:
        os.killpg(replacement.pid, signal.SIGTERM)
        replacement.wait(timeout=30)
    assert _stored() == expected
