"""The catalogue as files: reading and validating `<slug>.yaml` (from a directory, or from
texts in memory for the admin's import), loading them in one transaction, dumping them back.

A file holds one measure: one YAML document per version (`---` between them), in the order of
their periods (design §13: dated versions), all published, or a single draft. Loading replaces
a measure's published versions only when its documents changed; dumping writes each measure's
timeline back, byte for byte as the seeds are written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from policy_match.rules import RuleError, Text

from . import versions, yaml_safe
from .document_canonical import content_hash
from .documents import validate
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


@dataclass(frozen=True)
class Entry:
    """One file: its name and, per version in order, the document and its model fields."""

    name: str
    documents: tuple[tuple[dict[str, Any], dict[str, Any]], ...]

    @property
    def slug(self) -> str:
        return str(self.documents[0][1]["slug"])

    @property
    def status(self) -> str:
        return str(self.documents[0][1]["status"])  # published, draft or retired


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
NO_DOCUMENT = Text("文件中没有内容", "the file holds no document")
ONE_DRAFT = Text(
    "草稿或已停用的政策只能单独成一个文件（一个文档）；多个版本都须为 published",
    "a draft or retired measure is a file of one document; several versions are all published",
)
SAME_MEASURE = Text(
    "各版本的 {key} 须相同（第 {n} 个文档不同）",
    "every version has the same {key} (document {n} differs)",
)
VERSION_ORDER = Text(
    "第 {n} 个文档的有效期须在前一个版本结束之后开始",
    "document {n} must start after the previous version ends",
)


def file_label(name: object) -> str:
    """How a file name is shown: control characters escaped, anything but a str as its repr."""
    if not isinstance(name, str):
        return repr(name)[:100]
    label = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in name)
    return label[:100] or "''"


def policy_dir(directory: Path) -> Path:
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
            docs = yaml_safe.load_all(text)
        except yaml_safe.YamlRefused as exc:
            problems.append((label, exc.text(language)))
            continue
        except yaml.YAMLError as exc:
            problems.append((label, str(exc).replace("\n", " ")))
            continue
        try:
            entry = Entry(name, tuple((doc, validate(doc)) for doc in docs))
            problem = _versions_problem(entry)
        except RuleError as exc:
            problems.append((label, exc.text(language)))
            continue
        slug = entry.slug if entry.documents else ""
        if problem is not None:
            problems.append((label, problem.get(language)))
        elif slug != name.removesuffix(".yaml"):
            problems.append((label, SLUG_NOT_NAME.format(slug=slug).get(language)))
        elif slug in slugs:
            problems.append((label, SLUG_TWICE.format(other=slugs[slug]).get(language)))
        else:
            slugs[slug] = name
            result.append(entry)
    if not texts:
        problems.append(("", NO_FILES.get(language)))
    if problems:
        raise CatalogueError(problems)
    return result


def _versions_problem(entry: Entry) -> Text | None:
    """What makes a file's documents no timeline of one measure, if anything."""
    if not entry.documents:
        return NO_DOCUMENT
    first = entry.documents[0][1]
    statuses = {fields["status"] for _doc, fields in entry.documents}
    if statuses & {"draft", "retired"} and len(entry.documents) > 1:
        return ONE_DRAFT
    previous_end: date | None = None
    for n, (_doc, fields) in enumerate(entry.documents, start=1):
        for key in ("slug", "category", "subject"):
            if fields[key] != first[key]:
                return SAME_MEASURE.format(key=key, n=n)
        starts = fields["valid_from"] or versions.EARLIEST
        if n > 1 and (previous_end is None or starts <= previous_end):
            return VERSION_ORDER.format(n=n)
        previous_end = fields["valid_to"]
    return None


def catalogue_read(*, directory: Path, language: str = "en") -> list[Entry]:
    """Read every `<slug>.yaml` of a directory (or its `policies/`) and validate them."""
    texts: dict[str, str] = {}
    problems = []
    for path in sorted(policy_dir(directory).glob("*.yaml")):
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
    for entry in entries:
        _load_entry(entry, result)
    return result


def _load_entry(entry: Entry, result: LoadResult) -> None:
    slug, first = entry.slug, entry.documents[0][1]
    # The row lock serialises this with staff making a draft or publishing the same measure.
    policy, created = Policy.objects.select_for_update().get_or_create(
        slug=slug, defaults={"category": first["category"], "subject": first["subject"]}
    )
    digests = [content_hash(doc) for doc, _fields in entry.documents]
    if entry.status == "retired":
        _retire(policy, entry, digests[0], result, created)
        return
    if entry.status == "draft":
        existing = list(policy.versions.filter(status=VersionStatus.DRAFT))
    else:
        existing = versions.timeline(policy.versions.filter(status=VersionStatus.PUBLISHED))
    if [v.content_hash for v in existing] == digests:
        result.unchanged.append(slug)
        return
    (result.created if created else result.changed).append(slug)
    policy.category, policy.subject = first["category"], first["subject"]
    number = policy.versions.order_by("-number").values_list("number", flat=True).first() or 0
    if entry.status == "draft":
        fields = entry.documents[0][1]
        draft = existing[0] if existing else PolicyVersion(policy=policy, number=number + 1)
        for name, value in _version_fields(fields).items():
            setattr(draft, name, value)
        draft.content_hash, draft.status = digests[0], VersionStatus.DRAFT
        draft.save()
        policy.save()
        return
    # The file is the measure's whole timeline: it replaces the published versions.
    for old in existing:
        old.status = VersionStatus.SUPERSEDED
        old.save(update_fields=["status", "changed_at"])
    now = timezone.now()
    for offset, ((_doc, fields), digest) in enumerate(zip(entry.documents, digests, strict=True)):
        PolicyVersion.objects.create(
            policy=policy,
            number=number + 1 + offset,
            content_hash=digest,
            status=VersionStatus.PUBLISHED,
            published_at=now,
            **_version_fields(fields),
        )
    published = list(versions.published_versions(policy.pk))
    policy.current_version, policy.status = versions.latest(published), PolicyStatus.PUBLISHED
    policy.save()


def _retire(policy: Policy, entry: Entry, digest: str, result: LoadResult, created: bool) -> None:
    """A retired measure: its last content kept as a retired version, nothing published."""
    latest = policy.versions.order_by("-number").first()
    if (
        latest is not None
        and latest.status == VersionStatus.RETIRED
        and latest.content_hash == digest
        and policy.status == PolicyStatus.RETIRED
    ):
        result.unchanged.append(entry.slug)
        return
    (result.created if created else result.changed).append(entry.slug)
    policy.versions.filter(status__in=(VersionStatus.PUBLISHED, VersionStatus.DRAFT)).update(
        status=VersionStatus.RETIRED
    )
    fields = entry.documents[0][1]
    PolicyVersion.objects.create(
        policy=policy,
        number=(latest.number if latest else 0) + 1,
        content_hash=digest,
        status=VersionStatus.RETIRED,
        **_version_fields(fields),
    )
    policy.category, policy.subject = fields["category"], fields["subject"]
    policy.current_version, policy.status = None, PolicyStatus.RETIRED
    policy.save()


def _version_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The PolicyVersion fields of a validated document (its measure's own fields left out)."""
    return {k: v for k, v in fields.items() if k not in ("slug", "status", "category", "subject")}
