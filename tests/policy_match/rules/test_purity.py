"""The rule engine is pure Python: only to_q.py may import Django (house style)."""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import policy_match.rules

RULES_DIR = Path(policy_match.rules.__file__).resolve().parent
REPO_ROOT = RULES_DIR.parents[1]
ALLOWED = {"to_q.py"}


def django_imports(source: str) -> list[str]:
    """Modules starting with `django` that `source` imports, at any depth."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
    return [name for name in found if name.startswith("django")]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import django", ["django"]),
        ("from django.db.models import Q", ["django.db.models"]),
        ("import os, django.utils.timezone as tz", ["django.utils.timezone"]),
        ("def f():\n    from django.conf import settings\n", ["django.conf"]),
        ("if True:\n    import django_filters\n", ["django_filters"]),
        ("from .facts import FACTS\nfrom . import django_like\nimport decimal", []),
    ],
)
def test_it_finds_django_imports_wherever_they_are_written(
    source: str, expected: list[str]
) -> None:
    assert django_imports(source) == expected


def test_it_imports_django_only_in_to_q() -> None:
    files = sorted(RULES_DIR.glob("*.py"))

    offenders = {
        path.name: imports
        for path in files
        if path.name not in ALLOWED
        and (imports := django_imports(path.read_text(encoding="utf-8")))
    }

    assert {"evaluate.py", "explain.py", "facts.py", "parse.py"} <= {p.name for p in files}
    assert offenders == {}


def test_it_imports_the_engine_without_loading_django() -> None:
    code = (
        "import json, sys\n"
        "import policy_match.rules\n"
        "print(json.dumps({'engine': 'policy_match.rules.evaluate' in sys.modules,"
        " 'django': sorted(m for m in sys.modules if m.startswith('django'))}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}

    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"engine": True, "django": []}
