import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# Variables a developer's shell may hold that would change what a fresh process configures.
_RESET = ("DJANGO_", "AXES_", "DATABASE_URL", "CELERY_", "REDIS_URL")

RunDjango = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_django() -> RunDjango:
    """Run a fresh Python process on our settings with the given environment variables.

    Settings are read once at start-up, so production variables can only be tried this way.
    """

    def run(
        *args: str, env: dict[str, str], keep_database: bool = True
    ) -> subprocess.CompletedProcess[str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith(_RESET)}
        if keep_database and "DATABASE_URL" in os.environ:
            base["DATABASE_URL"] = os.environ["DATABASE_URL"]
        base["DJANGO_SETTINGS_MODULE"] = "config.settings"
        return subprocess.run(
            [sys.executable, *args],
            cwd=REPO,
            env={**base, **env},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    return run
