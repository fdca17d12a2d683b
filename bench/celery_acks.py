"""T6: what Celery's reliability settings cost. The same no-op tasks drained from Redis by
the same 2-process worker, acknowledged late (acks_late + reject_on_worker_lost, as every
o2o task is) vs early, side by side in one run; the worker starts on a full queue, and the
clock runs from its first task to its last. (The other half of T6, a worker killed with
-9 mid-ingest, is tests/inventory/test_worker_killed.py.) Early and late alternate over
`--rounds`; the ratio's min / median / max and a verdict are printed. Appends to
bench/RESULTS.md.

  make bench-celery BENCH_ARGS="--tasks 20000"
"""

import argparse
import os
import subprocess
import sys
import time

from bench.ingest import ROOT, configure
from bench.results import command_line, record

QUEUE = "bench-acks"


def drain(task, count):
    """Tasks per second for `count` of `task`, queued first, then drained by a new worker."""
    import redis

    from bench.celery_tasks import COUNTER

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    client.delete(COUNTER, QUEUE)
    for _ in range(count):
        task.apply_async(queue=QUEUE)
    worker = subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "--quiet", "-A", "bench.celery_tasks", "worker"),
            *("-Q", QUEUE),
            *("--pool=prefork", "--concurrency=2", "--loglevel=WARNING"),
            *("--without-mingle", "--without-gossip", "--without-heartbeat"),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        while int(client.get(COUNTER) or 0) == 0:
            time.sleep(0.005)
        start = time.perf_counter()
        while int(client.get(COUNTER) or 0) < count:
            time.sleep(0.005)
        return count / (time.perf_counter() - start)
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    configure()
    from bench.celery_tasks import noop_acks_early, noop_acks_late
    from bench.wrk import load_average, spread, verdict

    load_start = load_average()
    rates = [
        (drain(noop_acks_early, args.tasks), drain(noop_acks_late, args.tasks))
        for _round in range(args.rounds)
    ]
    ratios = [late / early for early, late in rates]
    low, mid, high = spread(ratios)
    text = (
        f"{args.tasks:,} no-op tasks, Redis, a 2-process prefork worker, prefetch multiplier "
        f"1, {args.rounds} rounds alternating; load average {load_start} at the start, "
        f"{load_average()} at the end:\n\n"
        + "".join(
            f"- round {i + 1}: acks early {early:,.0f} tasks/s, acks late + "
            f"reject_on_worker_lost {late:,.0f} tasks/s\n"
            for i, (early, late) in enumerate(rates)
        )
        + f"- T6 late / early: min {low:.0%} / median {mid:.0%} / max {high:.0%} (goal >= 90%):"
        f" **{verdict(ratios, 0.9)}**"
    )
    print(text)
    if not args.no_record:
        record(
            "T6 Celery acknowledgement cost",
            command_line("bench-celery"),
            text,
            latest={
                "T6 acks late / early": (
                    f"{low:.0%} / {mid:.0%} / {high:.0%} (>= 90%)",
                    verdict(ratios, 0.9),
                )
            },
        )


if __name__ == "__main__":
    main()
