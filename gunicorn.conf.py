"""Gunicorn settings for the web container (`gunicorn -c gunicorn.conf.py`); each from the env.

Sync workers (design §10: gthread measured slower for this CPU-bound work). Scale with more
workers per container (GUNICORN_WORKERS) or more web containers on the same database and Redis.
"""

import os


def _cpus() -> int:
    # Affinity, not os.cpu_count(): a container pinned to 2 cores of a 64-core host sees 2.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND") or "0.0.0.0:8000"
worker_class = "sync"
workers = int(os.environ.get("GUNICORN_WORKERS") or 2 * _cpus() + 1)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = timeout
# Recycle workers now and then so a slow leak never grows without bound; jitter staggers them.
# Counted in requests, so sized for the API's rate (design §10: 800 req/s on 2 workers): a
# worker then lives minutes, not the seconds 2,000 gave, each restart costing a second of
# start-up CPU and the first requests cold caches (a slower p99).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 100_000)
max_requests_jitter = max_requests // 10
# Heartbeat files on tmpfs: a container's overlay filesystem can stall them into false timeouts.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# No runtime control socket (gunicorn ≥ 25): it needs a writable $HOME, and a container is
# scaled by its environment and by adding containers, not by hand.
control_socket_disable = True
# Django's middleware writes one access line per request (with its request id): no second one.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL") or "info"

if os.environ.get("DJANGO_LOG_FORMAT") == "json":
    # Gunicorn's own lines (start, worker boot, timeouts) in the same JSON shape as Django's.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(levelname)s %(name)s %(message)s",
                "rename_fields": {"levelname": "level", "name": "logger"},
                "timestamp": True,
            }
        },
        "handlers": {
            "error_console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": "INFO", "handlers": []},
        "loggers": {
            "gunicorn.error": {
                "level": loglevel.upper(),
                "handlers": ["error_console"],
                "propagate": False,
                "qualname": "gunicorn.error",
            },
        },
    }
