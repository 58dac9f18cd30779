"""The layers of design §11 hold: the engine imports no Django but `to_q`; models import no
use-case; use-cases import no surface; the surfaces (partner API, startup pages, staff admin,
commands, Celery tasks) import use-cases and models, never each other. A use-case enqueues a
task by its name (`policy_match.jobs`); only the app's wiring (`apps.py`) imports the tasks, to
register them.

Each module is placed in a layer by its path, so a module added later is checked too (an
import-linter contract would have to list the use-case modules one by one). Imports inside
functions count as much as those at the top.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGES = ("accounts", "enterprises", "policies", "policy_match")
MODELS = {
    "accounts.models",
    "enterprises.models",
    "enterprises.fields",
    "policies.models",
    "policies.translation",
    "policy_match.models",
    "policy_match.profile",
}
SURFACES = {
    "api": ("policy_match.api",),
    "pages": ("policy_match.pages", "accounts.views", "accounts.forms", "accounts.urls"),
    "admin": ("policy_match.admin", "policies.admin", "enterprises.admin"),
    "commands": (
        "policy_match.management",
        "enterprises.management",
        "policies.management",
    ),
    "tasks": ("policy_match.tasks",),
}
WIRING = {"accounts.apps", "enterprises.apps", "policies.apps", "policy_match.apps"}


def _module(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> Iterator[tuple[str, Path]]:
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield _module(path), path


def _imports(module: str, path: Path) -> set[str]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            # `from . import views`: the names may be modules of the package.
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _within(module: str, prefixes: tuple[str, ...] | set[str]) -> bool:
    return any(module == p or module.startswith(f"{p}.") for p in prefixes)


def _surface(module: str) -> str | None:
    return next((name for name, roots in SURFACES.items() if _within(module, roots)), None)


def _layer(module: str) -> str:
    if _within(module, ("policy_match.rules",)):
        return "engine"
    if module in MODELS or _within(module, ("policy_match.models",)):
        return "models"
    if _surface(module):
        return "surface"
    return "use-case"


def _ours(name: str) -> bool:
    return _within(name, PACKAGES)


MODULES = dict(_modules())


def _known(name: str) -> str:
    """The module of ours an imported name is, or is in (`a.b.func` → `a.b`); "" for others."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def _violations() -> list[str]:
    problems = []
    for module, path in MODULES.items():
        if module in WIRING:
            continue
        layer = _layer(module)
        for name in sorted(_imports(module, path)):
            if layer == "engine":
                if (
                    _within(name, ("django", "rest_framework"))
                    and module != "policy_match.rules.to_q"
                ):
                    problems.append(f"{module} (engine) imports {name}")
                if _ours(name) and not _within(name, ("policy_match.rules",)):
                    problems.append(f"{module} (engine) imports {name}")
                continue
            name = _known(name)
            if not name:
                continue
            target = _layer(name)
            if layer == "models" and target in ("use-case", "surface"):
                problems.append(f"{module} (models) imports {name} ({target})")
            if layer == "use-case" and target == "surface":
                problems.append(f"{module} (use-case) imports {name} (surface)")
            if layer == "surface" and target == "surface" and _surface(name) != _surface(module):
                problems.append(f"{module} ({_surface(module)}) imports {name} ({_surface(name)})")
    return problems


def test_it_keeps_the_layers_of_the_design() -> None:
    assert _violations() == []


@pytest.mark.parametrize(
    ("module", "layer"),
    [
        ("policy_match.rules.to_q", "engine"),
        ("policy_match.profile", "models"),
        ("policy_match.services", "use-case"),
        ("policy_match.api.enterprises", "surface"),
        ("policy_match.pages.views.results", "surface"),
        ("policies.admin.version", "surface"),
        ("policy_match.tasks", "surface"),
        ("policy_match.jobs", "use-case"),
    ],
)
def test_it_places_modules_in_their_layers(module: str, layer: str) -> None:
    # The control for the test above: the classification sees the modules it should.
    assert module in MODULES and _layer(module) == layer


def test_it_would_notice_a_use_case_importing_a_surface() -> None:
    imports = _imports("policy_match.services", MODULES["policy_match.services"])
    assert "policy_match.models" in imports  # imports are read
    assert _layer("policy_match.api.errors") == "surface"
