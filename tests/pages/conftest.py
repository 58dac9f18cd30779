"""Fixtures of the page tests (Django's test client): the real catalogue, eager tasks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from config.celery_app import app
from policies.services import catalogue_load


@pytest.fixture(autouse=True)
def _eager_tasks() -> Iterator[None]:
    """Run Celery tasks in-process, as the embedded default does, even when CI sets a broker
    (no worker serves these tests; tests/e2e covers real workers)."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def catalogue(seeds_dir: Path) -> None:
    catalogue_load(directory=seeds_dir)
