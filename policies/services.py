"""Writes on policies: loading and dumping the catalogue."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from policy_match.rules import RuleError, Text

from . import yaml_safe
from .documents import content_hash, to_document, validate
from .models import Policy, PolicyStatus, PolicyVersion, VersionStatus


class CatalogueError(Exception):
    """Every problem found in a catalogue: (file, message) pairs, one `file: message` line each."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        self.lines = [f"{name}: {message}" if name else message for name, message in problems]
        super().__init__("\n".join(self.lines))


@dataclass
class LoadResult:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


Entry = tuple[str, dict[str, Any], dict[str, Any]]
# A file name is only a label (never a path): a bare `<slug>.yaml`, as load_catalogue reads them.
FILE_NAME = re.compile(r"[a-z0-9][a-z0-9-]*\.yaml")
BAD_NAME = Text(
    "文件名应为 <标识>.yaml（小写字母、数字和连字符）",
    "the file name must be <slug>.yaml (lower-case letters, digits, hyphens)",
)
NOT_TEXT = Text("文件内容应为文字", "the file content must be text")
NOT_UTF8 = Text("不是 UTF-8 文本", "not UTF-8 text")
NO_FILES = Text("没有找到 <标识>.yaml 文件", "no <slug>.yaml files found")
SLUG_NOT_NAME = Text("slug：“{slug}” 与文件名不同", "slug: “{slug}” ≠ file name")
SLUG_TWICE = Text("slug：也出现在 {other}", "slug: also in {other}")


def file_label(name: object) -> str:
    """How a file name is shown: control characters escaped, anything but a str as its repr."""
    if not isinstance(name, str):
        return repr(name)[:100]
    label = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in name)
    return label[:100] or "''"


def _policy_dir(directory: Path) -> Path:
    nested = directory / "policies"
    return nested if nested.is_dir() else directory


def catalogue_read_texts(*, texts: Mapping[str, str], language: str = "en") -> list[Entry]:
    """Validate every file (name → YAML text); (file name, document, model fields) each.

    Raises CatalogueError listing every broken file, so nothing is written on any error. The
    names are labels checked against FILE_NAME, never paths: nothing here touches a file.
    """
    problems: list[tuple[str, str]] = []
    result = []
    slugs: dict[str, str] = {}
    for name in sorted(texts, key=file_label):
        label, text = file_label(name), texts[name]
        if not isinstance(name, str) or not FILE_NAME.fullmatch(name):
            problems.append((label, BAD_NAME.get(language)))
            continue
        if not isinstance(text, str):
            problems.append((label, NOT_TEXT.get(language)))
            continue
        try:
            doc = yaml_safe.load(text)
        except yaml_safe.YamlRefused as exc:
            problems.append((label, exc.text(language)))
            continue
        except yaml.YAMLError as exc:
            problems.append((label, str(exc).replace("\n", " ")))
            continue
        try:
            fields = validate(doc)
        except RuleError as exc:
            problems.append((label, exc.text(language)))
            continue
        slug = fields["slug"]
        if slug != name.removesuffix(".yaml"):
            problems.append((label, SLUG_NOT_NAME.format(slug=slug).get(language)))
        elif slug in slugs:
            problems.append((label, SLUG_TWICE.format(other=slugs[slug]).get(language)))
        else:
            slugs[slug] = name
            result.append((name, doc, fields))
    if not texts:
        problems.append(("", NO_FILES.get(language)))
    if problems:
        raise CatalogueError(problems)
    return result


def catalogue_read(*, directory: Path, language: str = "en") -> list[Entry]:
    """Read every `<slug>.yaml` of a directory (or its `policies/`) and validate them."""
    texts: dict[str, str] = {}
    problems = []
    for path in sorted(_policy_dir(directory).glob("*.yaml")):
        try:
            texts[path.name] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            problems.append((path.name, NOT_UTF8.get(language)))
    if problems:
        raise CatalogueError(problems)
    if not texts:
        raise CatalogueError([(str(directory), NO_FILES.get(language))])
    return catalogue_read_texts(texts=texts, language=language)


@transaction.atomic
def catalogue_load(
    *,
    directory: Path | None = None,
    texts: Mapping[str, str] | None = None,
    language: str = "en",
) -> LoadResult:
    """Validate every file (of `directory`, or `texts`: name → YAML), then upsert all measures
    by slug in one transaction.

    A measure whose content is unchanged is left alone (loading twice changes nothing). A
    changed published file gets a new published version, superseding the old one; a changed
    draft file becomes the measure's one open draft (the draft staff may have open is updated).
    """
    if texts is not None:
        entries = catalogue_read_texts(texts=texts, language=language)
    elif directory is not None:
        entries = catalogue_read(directory=directory, language=language)
    else:
        raise TypeError("catalogue_load needs a directory or texts")
    result = LoadResult()
    now = timezone.now()
    for _name, doc, fields in entries:
        slug = fields.pop("slug")
        status = fields.pop("status")
        category, subject = fields.pop("category"), fields.pop("subject")
        digest = content_hash(doc)
        # The row lock serialises this with staff making a draft of the same measure.
        policy, created = Policy.objects.select_for_update().get_or_create(
            slug=slug, defaults={"category": category, "subject": subject}
        )
        wanted = VersionStatus.DRAFT if status == "draft" else VersionStatus.PUBLISHED
        same = policy.versions.filter(status=wanted).first()
        if same is not None and same.content_hash == digest:
            result.unchanged.append(slug)
            continue
        (result.created if created else result.changed).append(slug)
        policy.category, policy.subject = category, subject
        if wanted == VersionStatus.DRAFT and same is not None:
            for name, value in fields.items():
                setattr(same, name, value)
            same.content_hash = digest
            same.save()
            policy.save()
            continue
        latest = policy.versions.order_by("-number").values_list("number", flat=True).first()
        version = PolicyVersion(
            policy=policy, number=(latest or 0) + 1, content_hash=digest, status=wanted, **fields
        )
        if wanted == VersionStatus.PUBLISHED:
            policy.versions.filter(status=VersionStatus.PUBLISHED).update(
                status=VersionStatus.SUPERSEDED
            )
            version.published_at = now
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
    """The policy's open draft, or a new one copied from the published version.

    Racing calls get one draft between them: the policy row is locked while looking for an open
    draft, and where the database has no row locks (SQLite) the constraint
    `one_open_draft_per_policy` refuses the second insert, which then returns the first's draft.
    """
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    existing = _open_draft(policy)
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
    try:
        with transaction.atomic():  # a savepoint: the transaction stays usable on a refusal
            draft.save()
    except IntegrityError:
        existing = _open_draft(policy)
        if existing is None:
            raise
        return existing
    return draft


def _open_draft(policy: Policy) -> PolicyVersion | None:
    return policy.versions.filter(status=VersionStatus.DRAFT).order_by("-number").first()


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
