"""gunicorn on a free loopback port for the HTTP benchmarks, stopped with the block."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time

from bench.ingest import ROOT


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


O2O = "o2o.wsgi:application"


@contextlib.contextmanager
def gunicorn(*, workers, python=sys.executable, app=O2O, **env):
    """Yield the base URL of a running gunicorn serving `app` (o2o unless told, with its
    shipped server settings: o2o/gunicorn_conf.py) with the interpreter `python` and extra
    environment `env`."""
    import requests

    port = free_port()
    environment = {
        **os.environ,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        **env,
    }
    server = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            app,
            *(["--config", "python:o2o.gunicorn_conf"] if app == O2O else []),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(f"{base}/health/live/", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.1)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
