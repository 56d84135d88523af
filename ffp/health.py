"""/healthz: the platform's health check (database, Redis and a recent worker heartbeat)."""

import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cases.selectors import worker_heartbeat_latest
from ffp import clock

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, Redis and a worker heartbeat no older than HEARTBEAT_STALE_SECONDS; 503 otherwise."""
    checks: dict[str, dict] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"ok": True}
    except Exception as exc:  # any failure means unhealthy; the reason goes to the log, not the page
        logger.warning("healthz: database check failed: %s", exc)
        checks["database"] = {"ok": False}
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
        checks["redis"] = {"ok": bool(client.ping())}
    except Exception as exc:  # as above
        logger.warning("healthz: redis check failed: %s", exc)
        checks["redis"] = {"ok": False}
    latest = worker_heartbeat_latest() if checks["database"]["ok"] else None
    age = (clock.now() - latest).total_seconds() if latest else None
    checks["worker"] = {
        "ok": age is not None and age <= settings.HEARTBEAT_STALE_SECONDS,
        "heartbeat_age_seconds": None if age is None else round(age, 1),
        "stale_after_seconds": settings.HEARTBEAT_STALE_SECONDS,
    }
    healthy = all(c["ok"] for c in checks.values())
    return JsonResponse({"status": "ok" if healthy else "unhealthy", "checks": checks}, status=200 if healthy else 503)
