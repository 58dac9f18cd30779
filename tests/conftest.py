from pathlib import Path

import pytest

from policy_match import catalogue

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


@pytest.fixture(autouse=True)
def _fresh_catalogue_cache() -> None:
    """Each test starts with an empty compiled-catalogue cache (ids repeat across tests)."""
    catalogue.clear_cache()


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS
