"""A scratch database for the benchmark: created and migrated at start, dropped at the end."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connections


def _url(settings_dict: dict) -> str:
    if "sqlite" in settings_dict["ENGINE"]:
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict.get("USER") or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


@contextmanager
def scratch_database() -> Iterator[str]:
    """Switch the default connection to a new, migrated database; yield its DATABASE_URL."""
    connection = connections["default"]
    test = connection.settings_dict.setdefault("TEST", {})
    with tempfile.TemporaryDirectory() as folder:
        if connection.vendor == "sqlite":
            # A file, not memory: gunicorn and Celery processes open it too.
            test["NAME"] = str(Path(folder) / "benchmark.sqlite3")
        else:
            test["NAME"] = f"{connection.settings_dict['NAME']}_benchmark"
        original = connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False
        )
        try:
            yield _url(connection.settings_dict)
        finally:
            connection.creation.destroy_test_db(original, verbosity=0)
