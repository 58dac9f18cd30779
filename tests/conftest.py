from collections.abc import Iterator
from pathlib import Path

import pytest

from config.celery_app import app
from policy_match import catalogue

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


@pytest.fixture(autouse=True)
def _fresh_catalogue_cache() -> None:
    """Each test starts with an empty compiled-catalogue cache (ids repeat across tests)."""
    catalogue.clear_cache()


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
