"""The offline city index is built when the web process starts, not on a shopper's search."""

import os
import subprocess
import sys
import time
import urllib.request

from tests.servers import free_port, running


def python_prints(code):
    """What a fresh interpreter prints running `code`."""
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout


def test_importing_the_wsgi_application_builds_the_city_index():
    code = (
        "import o2o.wsgi, time\n"
        "from o2o.locator import geocoding\n"
        "deadline = time.monotonic() + 60\n"
        "built = geocoding._sorted_names.cache_info\n"
        "while built().currsize == 0 and time.monotonic() < deadline:\n"
        "    time.sleep(0.05)\n"
        "print(geocoding._city_index.cache_info().currsize,"
        " geocoding._sorted_names.cache_info().currsize)\n"
    )
    assert python_prints(code).split()[-2:] == ["1", "1"]


def test_gunicorn_builds_the_index_once_before_its_workers_fork_and_they_serve():
    """The shipped server settings preload the app and build the index in the master
    (when_ready), so no worker spends its first seconds building its own."""
    code = (
        "import gc, os\n"
        "from o2o import gunicorn_conf\n"
        "import o2o.wsgi, threading\n"
        "from o2o.locator import geocoding\n"
        "print(gunicorn_conf.preload_app, os.environ['O2O_PRELOADED'],"
        " [t.name for t in threading.enumerate() if t.name == 'warm-city-index'])\n"
        "gunicorn_conf.when_ready(None)\n"
        "print(geocoding._sorted_names.cache_info().currsize, gc.get_freeze_count() > 0)\n"
    )
    assert python_prints(code).splitlines()[-2:] == ["True 1 []", "1 True"]


def test_gunicorn_with_the_shipped_settings_serves(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    command = [
        *(sys.executable, "-m", "gunicorn", "o2o.wsgi:application"),
        *("--config", "python:o2o.gunicorn_conf", "--bind", f"127.0.0.1:{port}"),
        *("--workers", "2"),
    ]
    with running(command, env={**env, "DJANGO_SETTINGS_MODULE": "o2o.settings"}, var_dir=tmp_path):
        deadline, answers = time.monotonic() + 90, []
        while len(answers) < 4 and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/health/live/", timeout=5
                ) as r:
                    answers.append(r.status)
            except OSError:
                time.sleep(0.2)
        assert answers == [200, 200, 200, 200]
