"""Web servers a test starts as production would, on a free port of this machine."""

import os
import signal
import socket
import subprocess
from contextlib import contextmanager


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(command, *, env, var_dir, cwd=None):
    """`command` running in a session of its own, with `env` plus what a server on
    127.0.0.1 without TLS needs (its files under `var_dir`); stopped, with every process
    it started, on the way out."""
    server = subprocess.Popen(
        command,
        cwd=cwd,
        env={
            **env,
            "O2O_VAR_DIR": str(var_dir),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
        },
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
