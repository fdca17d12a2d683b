"""Liveness and readiness for load balancers and orchestrators."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from o2o.core import replicas

HEARTBEAT_KEY = "o2o:worker-heartbeat"


def _heartbeat_file():
    from pathlib import Path

    return Path(settings.VAR_DIR) / "worker-heartbeat"


def record_worker_heartbeat():
    """Called by a beat task that a worker runs: proves the broker, beat and a worker live.
    Kept in Redis when there is one; the embedded default's processes share no cache, so
    there it is a file under var/ that the web process reads."""
    now = timezone.now().timestamp()
    if settings.REDIS_URL:
        cache.set(HEARTBEAT_KEY, now, None)
    else:
        path = _heartbeat_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(str(now))


def last_worker_heartbeat():
    if settings.REDIS_URL:
        return cache.get(HEARTBEAT_KEY)
    try:
        return float(_heartbeat_file().read_text())
    except (OSError, ValueError):
        return None


@never_cache
def live(request):
    return JsonResponse({"status": "ok"})


@never_cache
def ready(request):
    """200 when the database, the cache/Redis and a Celery worker answer; else 503."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        answers = cache.ping() if hasattr(cache, "ping") else True
        cache.set("o2o:ready-probe", 1, 10)
        checks["cache"] = "ok" if answers and cache.get("o2o:ready-probe") == 1 else "error"
    except Exception as exc:
        checks["cache"] = f"error: {exc.__class__.__name__}"
    beat = last_worker_heartbeat() if checks["cache"] == "ok" else None
    age = timezone.now().timestamp() - beat if beat else None
    checks["worker"] = (
        "ok"
        if age is not None and age <= settings.O2O_WORKER_HEARTBEAT_SECONDS
        else "no heartbeat"
        if age is None
        else f"stale ({int(age)} s)"
    )
    ok = all(value == "ok" for value in checks.values())
    body = {"status": "ok" if ok else "unavailable", "checks": checks}
    if replicas.enabled():  # for the record: without them the primary answers shoppers
        body["replicas"] = replicas.status()
    return JsonResponse(body, status=200 if ok else 503)
