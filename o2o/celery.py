"""The Celery app and its beat schedule."""

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "o2o.settings")

app = Celery("o2o")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "expire-overdue-reservations": {
        "task": "o2o.reservations.tasks.expire_overdue_reservations_task",
        "schedule": crontab(),  # every minute
    },
    "pull-due-stock-feeds": {
        "task": "o2o.inventory.tasks.pull_due_feeds_task",
        "schedule": crontab(),
    },
    "roll-up-daily-figures": {
        "task": "o2o.dashboard.tasks.roll_up_daily_figures_task",
        "schedule": crontab(minute="*/15"),
    },
    "anonymise-old-reservations": {
        "task": "o2o.reservations.tasks.anonymise_old_reservations_task",
        "schedule": crontab(hour=3, minute=30),
    },
    "worker-heartbeat": {
        "task": "o2o.core.tasks.worker_heartbeat_task",
        "schedule": crontab(),
    },
    "recover-sync-runs": {
        "task": "o2o.inventory.tasks.recover_sync_runs_task",
        "schedule": crontab(),
    },
    "announce-reservation-changes": {  # nudged after each commit; this catches the rest
        "task": "o2o.notifications.tasks.announce_reservation_changes_task",
        "schedule": crontab(),
    },
    "drain-task-outbox": {
        "task": "o2o.core.tasks.drain_outbox_task",
        "schedule": crontab(),
    },
    "prune-old-sync-records": {
        "task": "o2o.inventory.tasks.prune_old_records_task",
        "schedule": crontab(hour=4, minute=10),
    },
    "prune-old-demand-signals": {
        "task": "o2o.locator.tasks.prune_demand_signals_task",
        "schedule": crontab(hour=4, minute=40),
    },
    "publish-scheduled-products": {
        "task": "o2o.catalogue.tasks.publish_due_task",
        "schedule": crontab(),  # every minute
    },
    "open-due-launches": {
        "task": "o2o.launches.tasks.open_due_launches_task",
        "schedule": crontab(),
    },
    "tend-launch-queues": {
        "task": "o2o.launches.tasks.tend_queues_task",
        "schedule": crontab(),
    },
    "google-local-inventory-feeds": {
        "task": "o2o.localfeeds.tasks.generate_local_feeds_task",
        "schedule": crontab(minute=20),  # hourly; Google reads them at least daily
    },
    "notify-back-in-stock": {
        "task": "o2o.locator.tasks.notify_back_in_stock_task",
        "schedule": crontab(minute="*/5"),
    },
}


@setup_logging.connect
def _django_logging(**kwargs):
    """Workers and beat log like the web (settings.LOGGING: JSON lines with the request and
    task ids when DJANGO_LOG_FORMAT=json), instead of Celery's own set-up."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


@app.on_after_configure.connect
def _ensure_filesystem_folders(sender, **kwargs):
    """kombu's filesystem transport needs its folders to exist."""
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            os.makedirs(options[key], exist_ok=True)
