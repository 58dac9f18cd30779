"""#12.13: after PostgreSQL drops the app's connections, the next request opens a new one.

A real gunicorn (one sync worker, which keeps its connection between requests as in
production) against the test database; the test terminates that worker's backend.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest
from django.db import connection, connections

from enterprises.models import PartnerAPIKey
from tests.conftest import REPO
from tests.factories import PartnerFactory

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server() -> Iterator[str]:
    db = connection.settings_dict
    url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"{url}/{db['NAME']}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "DJANGO_CONN_MAX_AGE": "600",
    }
    env.pop("CELERY_BROKER_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def _status(url: str, key: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Api-Key {key}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_it_answers_the_request_after_its_connection_was_terminated(server: str) -> None:
    _api_key, key = PartnerAPIKey.objects.create_key(name="t", partner=PartnerFactory())
    before = _status(f"{server}/api/v1/partner/", key)
    with connection.cursor() as cursor:
        # With a timeout the call returns once the backends have exited, so their FATAL
        # message and end of file are on the worker's socket: without it the signal may
        # still be on its way when the next request arrives, and no check can see it.
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        (terminated,) = cursor.fetchone()

    after = [_status(f"{server}/api/v1/partner/", key) for _ in range(3)]

    assert before == 200 and terminated >= 1
    assert after == [200, 200, 200]


def test_a_healthy_connection_is_checked_without_a_round_trip(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The check polls the socket: a healthy idle connection has nothing to read, so no
    SELECT 1 goes out (it was a tenth of a /match/ request's time)."""
    connection.ensure_connection()
    raw = connection.connection

    def no_cursor(*args: object, **kwargs: object) -> None:
        raise AssertionError("the health check sent a query")

    monkeypatch.setattr(raw, "cursor", no_cursor)
    assert connection.is_usable() is True
    monkeypatch.undo()

    with connection.cursor() as cursor:  # a second session ends this one's backend
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    other = connections.create_connection("default")
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])  # returns once it exited
    other.close()

    usable = connection.is_usable()
    connection.close()  # the test database's teardown needs a live one
    assert usable is False
