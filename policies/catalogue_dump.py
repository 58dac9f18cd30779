"""The catalogue written back as files: every measure as `<slug>.yaml`, in the form the
loader (`catalogue.py`) reads, and the YAML the admin shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from . import versions
from .catalogue import policy_dir
from .document_canonical import to_document
from .models import PolicyStatus, PolicyVersion, VersionStatus


def catalogue_versions() -> list[list[PolicyVersion]]:
    """Each policy's versions as its file holds them: its published timeline, else its latest
    draft; by slug."""
    by_policy: dict[int, list[PolicyVersion]] = {}
    rows = PolicyVersion.objects.select_related("policy").filter(
        status__in=(VersionStatus.PUBLISHED, VersionStatus.DRAFT)
    )
    for version in rows.order_by("policy__slug", "-number"):
        by_policy.setdefault(version.policy_id, []).append(version)
    retired = PolicyVersion.objects.select_related("policy").filter(
        status=VersionStatus.RETIRED, policy__status=PolicyStatus.RETIRED
    )
    for version in retired.order_by("policy__slug", "-number"):
        if version.policy_id not in by_policy:  # a retired measure: its last version
            by_policy[version.policy_id] = [version]
    chosen = []
    for found in by_policy.values():
        published = versions.timeline(found)
        chosen.append(published or [found[0]])
    return sorted(chosen, key=lambda vs: vs[0].policy.slug)


def dump_yaml(doc: dict[str, Any]) -> str:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)


def dump_documents(documents: list[dict[str, Any]]) -> str:
    """A measure's file: its documents, `---` between them (none before the first)."""
    return "---\n".join(dump_yaml(doc) for doc in documents)


def catalogue_dump(*, directory: Path) -> list[Path]:
    """Write every measure as `<slug>.yaml`, in the form load_catalogue reads."""
    target = policy_dir(directory) if (directory / "policies").is_dir() else directory
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for timeline in catalogue_versions():
        path = target / f"{timeline[0].policy.slug}.yaml"
        path.write_text(dump_documents([to_document(v) for v in timeline]), encoding="utf-8")
        written.append(path)
    return written
