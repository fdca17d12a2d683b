"""Prometheus metrics of the business (django-prometheus adds the HTTP and DB ones). Every
process writes its figures to PROMETHEUS_MULTIPROC_DIR (settings.py); /metrics adds them
up, so what the Celery workers count is scraped from the web."""

import os
import time

from celery.signals import task_postrun, task_prerun, worker_process_shutdown
from prometheus_client import Counter, Gauge, Histogram, multiprocess

RESERVATIONS = Counter("o2o_reservations_total", "Reservation attempts by outcome", ["outcome"])
TRANSITIONS = Counter("o2o_reservation_transitions_total", "Reservation status changes", ["status"])
SYNC_RUNS = Counter(
    "o2o_sync_runs_total", "Stock syncs by kind and final status", ["kind", "status"]
)
SYNC_ROWS = Counter("o2o_sync_rows_total", "Stock rows by result", ["result"])
SYNC_LAG = Gauge(
    "o2o_sync_lag_seconds",
    "Seconds between a count's as_of and its apply",
    multiprocess_mode="mostrecent",  # the latest apply, whichever worker made it
)
TASK_SECONDS = Histogram("o2o_celery_task_seconds", "Celery task durations", ["task"])

_started = {}


@task_prerun.connect
def _task_started(task_id=None, **kwargs):
    _started[task_id] = time.perf_counter()


@task_postrun.connect
def _task_finished(task_id=None, task=None, **kwargs):
    began = _started.pop(task_id, None)
    if began is not None and task is not None:
        TASK_SECONDS.labels(task=task.name).observe(time.perf_counter() - began)


@worker_process_shutdown.connect
def _worker_process_gone(pid=None, **kwargs):
    """A pool process that exits leaves its counters; its live-only gauges go."""
    multiprocess.mark_process_dead(pid or os.getpid())
