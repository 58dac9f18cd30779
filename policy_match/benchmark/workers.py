"""The re-match through a real Celery worker (2 processes), from publish to the last chunk, and
the most memory any of the worker's processes held meanwhile."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from config.celery_app import app
from policy_match.models import RematchStatus

from .measures import eager, publish
from .procs import family_peak_rss_mb

REPO = Path(__file__).resolve().parents[2]


def rematch_celery(slug: str, database_url: str, *, timeout: float = 600) -> tuple[float, float]:
    """(seconds, peak RSS in MB of the worker's parent and pool processes)."""
    app.control.purge()
    with tempfile.NamedTemporaryFile("w+", suffix=".log") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency=2",
             "--pool=prefork", "--loglevel=INFO", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "-n", f"benchmark-{os.getpid()}@%h"],
            cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            # INFO: its "ready." line is how we know it listens, whatever the caller's level.
            env={**os.environ, "DATABASE_URL": database_url, "CELERY_TASK_ALWAYS_EAGER": "false",
                 "DJANGO_LOG_LEVEL": "INFO"},
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while "ready." not in Path(log.name).read_text(errors="replace"):
                if time.monotonic() > deadline or worker.poll() is not None:
                    tail = Path(log.name).read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"celery worker did not start:\n{tail}")
                time.sleep(0.1)
            start = time.perf_counter()
            with eager(False):
                run = publish(slug)
            while True:
                run.refresh_from_db(fields=["status"])
                if run.status == RematchStatus.DONE:
                    # Read before terminate(): the pool's processes are gone after it.
                    return time.perf_counter() - start, family_peak_rss_mb(worker.pid)
                if time.perf_counter() - start > timeout:
                    raise RuntimeError("re-match through the worker did not finish")
                time.sleep(0.02)
        finally:
            worker.terminate()
            worker.wait(timeout=60)
