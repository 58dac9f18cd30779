"""Real components: a Celery worker process on the local Redis, against the test database.

These tests run when CELERY_BROKER_URL is set (CI's PostgreSQL + Redis pass); without a broker
there is nothing real to test them against, so they are deselected, not skipped.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from config.celery_app import app

REPO = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if settings.CELERY_BROKER_URL and connection.vendor == "postgresql":
        return
    selected = [item for item in items if "e2e" not in item.keywords]
    deselected = [item for item in items if "e2e" in item.keywords]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


def database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


class Worker:
    """A `celery worker` subprocess; its log is kept for assertions."""

    def __init__(self, log: Path, concurrency: int = 2, env: dict[str, str] | None = None) -> None:
        self.log_path = log
        env = {
            **os.environ,
            **(env or {}),
            "DATABASE_URL": database_url(),  # the test database, not the development one
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DJANGO_LOG_LEVEL": "INFO",
        }
        self._log = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO",
             f"--concurrency={concurrency}", "--pool=prefork", "--without-gossip",
             "--without-mingle", "--without-heartbeat", "-n", f"e2e-{time.time_ns()}@%h"],
            cwd=REPO, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "ready." in self.log_path.read_text(errors="replace"):
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited: {self.log_path.read_text(errors='replace')}")
            time.sleep(0.2)
        raise RuntimeError("worker did not start")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool children), as a crash would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()


FAILED = pytest.StashKey[bool]()


def _forget_unacked() -> None:
    """The crash tests SIGKILL workers that hold messages (acks_late): Redis keeps those in the
    transport's `unacked` hash, and hands them again, an hour later (the visibility timeout),
    to whichever worker then runs: a later run's, against another test database. purge()
    empties the queue only."""
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete("unacked", "unacked_index")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.when == "call":
        item.stash[FAILED] = report.failed


@pytest.fixture
def start_worker(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Callable[..., Worker]]:
    app.control.purge()  # nothing left over from an earlier run
    _forget_unacked()
    workers: list[Worker] = []

    def start(concurrency: int = 2, env: dict[str, str] | None = None) -> Worker:
        worker = Worker(tmp_path / f"worker{len(workers)}.log", concurrency, env)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
        if request.node.stash.get(FAILED, False):
            # A test that timed out waiting on a worker says nothing of why: its log does.
            sys.stderr.write(f"--- {worker.log_path.name} (last 6,000 characters)\n")
            sys.stderr.write(worker.log()[-6000:])


def wait_for(condition: Callable[[], bool], timeout: float = 120, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what or condition}")
