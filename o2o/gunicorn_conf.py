"""gunicorn settings read by `make serve` (Procfile.prod: `-c python:o2o.gunicorn_conf`)."""

from prometheus_client import multiprocess


def child_exit(server, worker):
    """A web worker that exits leaves its counters in PROMETHEUS_MULTIPROC_DIR; its
    live-only gauges go."""
    multiprocess.mark_process_dead(worker.pid)
