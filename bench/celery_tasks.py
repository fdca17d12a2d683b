"""No-op tasks for bench/celery_acks.py: the o2o Celery app (same broker settings), plus
two tasks that differ only in when they acknowledge. Each counts itself in Redis."""

import os

import redis

from o2o.celery import app

COUNTER = "bench:celery:done"
_redis = None


def _count():
    global _redis  # one connection per worker process
    if _redis is None:
        _redis = redis.Redis.from_url(os.environ["REDIS_URL"])
    _redis.incr(COUNTER)


@app.task(name="bench.noop_acks_late", acks_late=True, reject_on_worker_lost=True)
def noop_acks_late():
    _count()


@app.task(name="bench.noop_acks_early", acks_late=False, reject_on_worker_lost=False)
def noop_acks_early():
    _count()
