"""The offline city index is built when the web process starts, not on a shopper's search."""

import subprocess
import sys


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
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.split()[-2:] == ["1", "1"]
