"""Writes on policies: loading and dumping the catalogue."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from policy_match.rules import RuleError

from .documents import content_hash, to_document, validate
from .models import Policy, PolicyStatus, PolicyVersion, VersionStatus


class CatalogueError(Exception):
    """Every problem found in a catalogue, one `file: path: message` line each."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("\n".join(lines))


@dataclass
class LoadResult:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _policy_dir(directory: Path) -> Path:
    nested = directory / "policies"
    return nested if nested.is_dir() else directory


def catalogue_read(
    *, directory: Path, language: str = "en"
) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """Read and validate every `<slug>.yaml`; (file name, document, model fields) each.

    Raises CatalogueError listing every broken file, so nothing is written on any error.
    """
    files = sorted(_policy_dir(directory).glob("*.yaml"))
    if not files:
        raise CatalogueError([f"{directory}: no <slug>.yaml files found"])
    errors: list[str] = []
    result = []
    slugs: dict[str, str] = {}
    for path in files:
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            errors.append(f"{path.name}: {str(exc).replace(chr(10), ' ')}")
            continue
        try:
            fields = validate(doc)
        except RuleError as exc:
            errors.append(f"{path.name}: {exc.text(language)}")
            continue
        if fields["slug"] != path.stem:
            errors.append(f"{path.name}: slug: “{fields['slug']}” ≠ file name")
            continue
        if fields["slug"] in slugs:
            errors.append(f"{path.name}: slug: also in {slugs[fields['slug']]}")
            continue
        slugs[fields["slug"]] = path.name
        result.append((path.name, doc, fields))
    if errors:
        raise CatalogueError(errors)
    return result


@transaction.atomic
def catalogue_load(*, directory: Path, language: str = "en") -> LoadResult:
    """Validate every file, then upsert all measures by slug in one transaction.

    A measure whose content is unchanged is left alone (loading twice changes nothing); a
    changed one gets a new version, published (superseding the old one) or draft.
    """
    entries = catalogue_read(directory=directory, language=language)
    result = LoadResult()
    now = timezone.now()
    for _name, doc, fields in entries:
        slug = fields.pop("slug")
        status = fields.pop("status")
        category, subject = fields.pop("category"), fields.pop("subject")
        digest = content_hash(doc)
        policy, created = Policy.objects.get_or_create(
            slug=slug, defaults={"category": category, "subject": subject}
        )
        latest = policy.versions.order_by("-number").first()
        if (
            latest is not None
            and latest.content_hash == digest
            and latest.status in (VersionStatus.PUBLISHED, VersionStatus.DRAFT)
        ):
            result.unchanged.append(slug)
            continue
        (result.created if created else result.changed).append(slug)
        policy.category, policy.subject = category, subject
        version = PolicyVersion(
            policy=policy,
            number=(latest.number + 1) if latest else 1,
            content_hash=digest,
            status=VersionStatus.DRAFT,
            **fields,
        )
        if status == "published":
            policy.versions.filter(status=VersionStatus.PUBLISHED).update(
                status=VersionStatus.SUPERSEDED
            )
            version.status, version.published_at = VersionStatus.PUBLISHED, now
            version.save()
            policy.current_version, policy.status = version, PolicyStatus.PUBLISHED
        else:
            version.save()
        policy.save()
    return result


def catalogue_versions() -> list[PolicyVersion]:
    """Each policy's catalogue version: the published one, else its latest draft."""
    chosen: dict[int, PolicyVersion] = {}
    versions = PolicyVersion.objects.select_related("policy").order_by("policy__slug", "-number")
    for version in versions:
        if version.status not in (VersionStatus.PUBLISHED, VersionStatus.DRAFT):
            continue
        current = chosen.get(version.policy_id)
        if current is None or (
            version.status == VersionStatus.PUBLISHED and current.status != VersionStatus.PUBLISHED
        ):
            chosen[version.policy_id] = version
    return sorted(chosen.values(), key=lambda v: v.policy.slug)


def dump_yaml(doc: dict[str, Any]) -> str:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)


def catalogue_dump(*, directory: Path) -> list[Path]:
    """Write every measure as `<slug>.yaml`, in the form load_catalogue reads."""
    target = _policy_dir(directory) if (directory / "policies").is_dir() else directory
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for version in catalogue_versions():
        path = target / f"{version.policy.slug}.yaml"
        path.write_text(dump_yaml(to_document(version)), encoding="utf-8")
        written.append(path)
    return written


# --- staff curation: drafts, publishing, retiring ----------------------------------------------

PUBLISHER_GROUP = "publisher"
EDITOR_GROUP = "editor"
_COPIED = [
    f.name
    for f in PolicyVersion._meta.concrete_fields
    if f.name
    not in ("id", "policy", "number", "status", "created_by", "created_at", "published_at",
            "published_by", "content_hash")
]  # fmt: skip


def can_publish(user: Any) -> bool:
    return bool(user.is_superuser or user.groups.filter(name=PUBLISHER_GROUP).exists())


@transaction.atomic
def policy_version_draft(*, policy: Policy, by: Any = None) -> PolicyVersion:
    """The policy's open draft, or a new one copied from the published version."""
    existing = policy.versions.filter(status=VersionStatus.DRAFT).order_by("-number").first()
    if existing is not None:
        return existing
    source = policy.current_version or policy.versions.order_by("-number").first()
    if source is None:
        raise ValueError(f"{policy.slug} has no version to copy")
    number = (policy.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    draft = PolicyVersion(policy=policy, number=number, status=VersionStatus.DRAFT, created_by=by)
    for name in _COPIED:
        # A deep copy: the JSON fields (rule, formula, sources …) are dicts and lists, and an
        # edit of the draft in place must never show through the published version's object.
        setattr(draft, name, copy.deepcopy(getattr(source, name)))
    draft.content_hash = content_hash(to_document(draft))
    draft.save()
    return draft


def policy_version_check(*, version: PolicyVersion) -> None:
    """Validate a version exactly as the catalogue loader would; raises RuleError (path)."""
    validate(to_document(version))


@transaction.atomic
def policy_publish(*, version: PolicyVersion, by: Any) -> PolicyVersion:
    """Make a draft the published version and re-match every enterprise after commit."""
    if not can_publish(by):
        raise PermissionDenied("only publishers may publish")
    # Lock the policy row: two staff publishing at once are serialised, not both applied.
    policy = Policy.objects.select_for_update().get(pk=version.policy_id)
    version = PolicyVersion.objects.get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise ValueError("only a draft can be published")
    policy_version_check(version=version)
    policy.versions.filter(status=VersionStatus.PUBLISHED).update(status=VersionStatus.SUPERSEDED)
    version.status, version.published_at, version.published_by = (
        VersionStatus.PUBLISHED,
        timezone.now(),
        by,
    )
    version.content_hash = content_hash(to_document(version))
    version.save(update_fields=["status", "published_at", "published_by", "content_hash"])
    policy.current_version, policy.status = version, PolicyStatus.PUBLISHED
    policy.save(update_fields=["current_version", "status", "updated_at"])
    _rematch_on_commit(policy)
    return version


@transaction.atomic
def policy_retire(*, policy: Policy, by: Any) -> Policy:
    """Withdraw a policy: no published version any more; its stored matches are removed."""
    if not can_publish(by):
        raise PermissionDenied("only publishers may retire")
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    policy.versions.filter(status=VersionStatus.PUBLISHED).update(status=VersionStatus.RETIRED)
    policy.current_version, policy.status = None, PolicyStatus.RETIRED
    policy.save(update_fields=["current_version", "status", "updated_at"])
    _rematch_on_commit(policy)
    return policy


def _rematch_on_commit(policy: Policy) -> None:
    from policy_match.rematch import rematch_policy_start

    # The run and its chunks are the outbox: written now, in this transaction.
    rematch_policy_start(policy=policy)
