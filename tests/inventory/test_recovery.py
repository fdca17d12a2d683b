"""Runs never stay stuck: a run whose worker is gone is queued again at once (not after
the broker's hour), fails after too many restarts, and its owners are told."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from o2o.inventory.models import SyncRun
from o2o.inventory.sync.recovery import recover_sync_runs
from o2o.outlets.models import RetailerMembership
from tests.factories import minutes_ago


def running_run(world, *, started_seconds_ago, attempts=0):
    run = SyncRun.objects.create(
        retailer=world.outlet.retailer,
        outlet=world.outlet,
        source="push",
        as_of=timezone.now() - timedelta(minutes=5),
        payload=[{"sku": world.variant.sku, "on_hand": 3}],
        status="running",
        attempts=attempts,
    )
    SyncRun.objects.filter(pk=run.pk).update(
        started_at=timezone.now() - timedelta(seconds=started_seconds_ago)
    )
    return run


@pytest.fixture
def owner(world):
    from o2o.core.models import User

    user = User.objects.create_user("boss", "boss@shop.example", "pw-2026-long")
    RetailerMembership.objects.create(user=user, retailer=world.outlet.retailer, role="owner")
    return user


def test_an_abandoned_running_run_is_queued_again_and_applied(
    world, settings, django_capture_on_commit_callbacks
):
    settings.O2O_SYNC_RUN_TIMEOUT_SECONDS = 120  # SQLite: no lock tells a dead worker
    run = running_run(world, started_seconds_ago=3600)
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_sync_runs() == (1, 0)
    run.refresh_from_db()
    assert (run.status, run.attempts) == ("applied", 1)
    assert world.level.__class__.objects.get(pk=world.level.pk).on_hand == 3


def test_a_young_run_is_left_alone(world):
    running_run(world, started_seconds_ago=5)
    assert recover_sync_runs() == (0, 0)


def test_after_too_many_restarts_it_fails_and_the_owner_is_told(
    world, owner, settings, django_capture_on_commit_callbacks
):
    settings.O2O_SYNC_RUN_TIMEOUT_SECONDS = 120
    run = running_run(world, started_seconds_ago=3600, attempts=settings.O2O_SYNC_MAX_ATTEMPTS)
    with django_capture_on_commit_callbacks(execute=True):  # told after the commit
        assert recover_sync_runs() == (0, 1)
    run.refresh_from_db()
    assert run.status == "failed"
    assert "worker was lost" in run.message
    told = [m for m in mail.outbox if "boss@shop.example" in m.to]
    assert told
    assert f"#{run.pk}" in told[0].subject


def test_a_queued_run_whose_message_was_lost_is_sent_again(
    world, settings, django_capture_on_commit_callbacks
):
    from o2o.inventory import services

    with django_capture_on_commit_callbacks(execute=False):  # the message never leaves
        run = services.queue_snapshot(
            outlet=world.outlet,
            as_of=minutes_ago(1),
            items=[{"sku": world.variant.sku, "on_hand": 2}],
        )
    SyncRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert recover_sync_runs() == (1, 0)
    assert SyncRun.objects.get(pk=run.pk).status == "applied"
