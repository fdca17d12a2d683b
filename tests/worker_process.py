"""A real Celery worker in a process of its own, on the test database and Redis: for the
tests about what crosses process boundaries (kill -9, metrics, logs)."""

import os
import subprocess
import sys

from django.conf import settings
from django.db import connection


def start_worker_process(*, output=subprocess.DEVNULL, loglevel="WARNING", **env):
    """`celery -A o2o worker` (prefork, one process) with the test run's environment
    (PROMETHEUS_MULTIPROC_DIR included), the test database and Redis, plus `env`."""
    link = connection.settings_dict
    environment = {
        **os.environ,
        "DATABASE_URL": f"postgres://{link['USER']}@{link['HOST']}:{link['PORT']}/{link['NAME']}",
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "REDIS_URL": settings.REDIS_URL,
        **env,
    }
    command = [sys.executable, "-m", "celery", "-A", "o2o", "worker", "--pool=prefork"]
    command += ["--concurrency=1", f"--loglevel={loglevel}", "--without-mingle"]
    command += ["--without-gossip"]
    return subprocess.Popen(
        command,
        env=environment,
        start_new_session=True,
        stdout=output,
        stderr=subprocess.STDOUT if output is not subprocess.DEVNULL else subprocess.DEVNULL,
    )
