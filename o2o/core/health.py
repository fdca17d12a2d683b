"""Liveness and readiness for load balancers and orchestrators."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

HEARTBEAT_KEY = "o2o:worker-heartbeat"


def record_worker_heartbeat():
    """Called by a beat task that a worker runs: proves the broker, beat and a worker live."""
    cache.set(HEARTBEAT_KEY, timezone.now().timestamp(), None)


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
    beat = cache.get(HEARTBEAT_KEY) if checks["cache"] == "ok" else None
    age = timezone.now().timestamp() - beat if beat else None
    checks["worker"] = (
        "ok"
        if age is not None and age <= settings.O2O_WORKER_HEARTBEAT_SECONDS
        else "no heartbeat"
        if age is None
        else f"stale ({int(age)} s)"
    )
    ok = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503
    )
