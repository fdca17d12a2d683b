"""gunicorn settings read by `make serve` (Procfile.prod) and the HTTP benchmarks
(bench/server.py): `-c python:o2o.gunicorn_conf`."""

import gc
import os

from prometheus_client import multiprocess

# The app is loaded once, in the master, and the offline city index is built there before
# the workers fork (when_ready): every worker starts with it, where each used to spend two
# seconds of CPU building its own while it served its first requests.
preload_app = True
os.environ["O2O_PRELOADED"] = "1"  # o2o/wsgi.py leaves the index to when_ready


def when_ready(server):
    from django.db import connections

    from o2o.locator.geocoding import warm

    warm()
    connections.close_all()  # no connection of the master's is shared with a worker
    gc.freeze()  # what the master built is never scanned, nor copied, by a worker's GC


def child_exit(server, worker):
    """A web worker that exits leaves its counters in PROMETHEUS_MULTIPROC_DIR; its
    live-only gauges go."""
    multiprocess.mark_process_dead(worker.pid)
