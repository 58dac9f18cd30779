from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from config.celery_app import app
from policy_match import catalogue

REPO = Path(__file__).resolve().parent.parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `postgresql` (row locks, concurrent writers in real threads) run on the
    PostgreSQL pass of CI; SQLite has no row locks to test, so there they are deselected."""
    if connection.vendor == "postgresql":
        return
    deselected = [item for item in items if "postgresql" in item.keywords]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if "postgresql" not in item.keywords]


SEEDS = REPO / "seeds"


@pytest.fixture(autouse=True)
def _fresh_catalogue_cache() -> None:
    """Each test starts with an empty compiled-catalogue cache (ids repeat across tests)."""
    catalogue.clear_cache()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the default language: a page request leaves its language active in
    the thread (as in a server, where the next request activates its own)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _eager_tasks(request: pytest.FixtureRequest) -> Iterator[None]:
    """Celery runs in-process, as the embedded default does, even when CI sets a broker: no
    worker serves these tests. tests/e2e starts real workers and keeps the broker."""
    if "e2e" in request.keywords:
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS
