"""Fixtures of the page tests (Django's test client): the real catalogue, eager tasks."""

from __future__ import annotations

from pathlib import Path

import pytest

from policies.catalogue import catalogue_load


@pytest.fixture
def catalogue(seeds_dir: Path) -> None:
    catalogue_load(directory=seeds_dir)
