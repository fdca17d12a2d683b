"""The in-process comparison the profile benchmarks share: an endpoint and its raw twin timed
in alternating rounds, then the endpoint profiled with pyinstrument (printed, not recorded)."""

import statistics


def compare_then_profile(timed, *, endpoint, twin, rounds, requests, interval=0.0005):
    """`timed(path)` runs `requests` requests at `path` and returns ms per request. Both paths
    are warmed first (not counted); prints the medians, their ratio and the profile."""
    from pyinstrument import Profiler

    for path in (endpoint, twin):
        timed(path)
    times = {endpoint: [], twin: []}
    for _round in range(rounds):
        for path in times:
            times[path].append(timed(path))
    mine, raw = (statistics.median(values) for values in times.values())
    print(
        f"in process, median of {rounds} rounds of {requests}: endpoint {mine:.2f} ms, "
        f"raw twin {raw:.2f} ms, twin / endpoint {raw / mine:.0%}"
    )
    profiler = Profiler(interval=interval)
    profiler.start()
    timed(endpoint)
    profiler.stop()
    print(profiler.output_text(unicode=False, color=False))
