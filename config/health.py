"""Probes for the container platform: /healthz (the process answers), /readyz (its backends do)."""

from __future__ import annotations

import logging
import re

import redis
from django.conf import settings
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

# A probe must answer before the platform's own timeout, even when Redis is black-holed.
REDIS_TIMEOUT_SECONDS = 2.0
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: touches nothing outside the process, so a slow database never restarts us."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database and every configured Redis (cache, broker) answer; else 503."""
    checks = {"database": _database_ok()}
    for component, url in _redis_urls().items():
        checks[component] = _redis_ok(component, url)
    failing = sorted(name for name, ok in checks.items() if not ok)
    # Only names and outcomes: hosts and error texts go to the log, not to whoever asks.
    body = {
        "status": "fail" if failing else "ok",
        "checks": {name: "ok" if ok else "unreachable" for name, ok in checks.items()},
        "failing": failing,
    }
    return JsonResponse(body, status=503 if failing else 200)


def _redis_urls() -> dict[str, str]:
    urls = {}
    cache = settings.CACHES.get("default", {})
    if cache.get("BACKEND", "").endswith("RedisCache"):
        location = cache.get("LOCATION", "")
        # Django accepts a list or a ";"/","-separated string; the first server is the writer.
        servers = location if isinstance(location, list | tuple) else re.split("[;,]", location)
        urls["cache"] = servers[0]
    broker = settings.CELERY_BROKER_URL or ""
    if broker.startswith(REDIS_SCHEMES):
        urls["broker"] = broker
    return urls


def _database_ok() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    # Any failure (refused, auth, DNS, timeout) means "not ready", never a 500.
    except Exception:
        logger.warning("readyz: database unreachable", exc_info=True)
        return False
    return True


def _redis_ok(component: str, url: str) -> bool:
    client = redis.Redis.from_url(
        url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
    )
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        logger.warning("readyz: %s (Redis) unreachable", component, exc_info=True)
        return False
    finally:
        client.close()
