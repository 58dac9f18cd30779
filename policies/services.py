"""Staff curation: drafts, publishing into the dated timeline, retiring (the catalogue files
are policies.catalogue)."""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import versions
from .document_canonical import content_hash, to_document
from .documents import validate
from .models import Policy, PolicyStatus, PolicyVersion, VersionStatus

PUBLISHER_GROUP = "publisher"
EDITOR_GROUP = "editor"
_COPIED = [
    f.name
    for f in PolicyVersion._meta.concrete_fields
    if f.name
    not in ("id", "policy", "number", "status", "created_by", "created_at", "published_at",
            "published_by", "content_hash", "changed_at")
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
    """Publish a draft into the measure's timeline (policies.versions: a correction replaces
    the version with the same start, an amendment ends the one before the day before) and
    re-match every enterprise after commit. Raises VersionOverlap when it cannot fit."""
    if not can_publish(by):
        raise PermissionDenied("only publishers may publish")
    # Lock the policy row: two staff publishing at once are serialised, not both applied.
    policy = Policy.objects.select_for_update().get(pk=version.policy_id)
    version = PolicyVersion.objects.get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise ValueError("only a draft can be published")
    policy_version_check(version=version)
    published = list(versions.published_versions(policy.pk))
    plan = versions.plan_publish(draft=version, published=published)
    for old in plan.superseded:
        old.status = VersionStatus.SUPERSEDED
        old._change_reason = f"corrected by v{version.number}"  # type: ignore[attr-defined]
        old.save(update_fields=["status", "changed_at"])
    for old, valid_to in plan.shortened:
        old.valid_to = valid_to
        old.content_hash = content_hash(to_document(old))
        old._change_reason = f"ended by v{version.number}"  # type: ignore[attr-defined]
        old.save(update_fields=["valid_to", "content_hash", "changed_at"])
    version.status, version.published_at, version.published_by = (
        VersionStatus.PUBLISHED,
        timezone.now(),
        by,
    )
    version.content_hash = content_hash(to_document(version))
    version.save(
        update_fields=["status", "published_at", "published_by", "content_hash", "changed_at"]
    )
    _set_current(policy)
    _rematch_on_commit(policy)
    return version


def _set_current(policy: Policy) -> None:
    """The policy's current version is its latest published one; the timeline holds."""
    published = list(versions.published_versions(policy.pk))
    versions.check_no_overlap(published)
    current = versions.latest(published)
    policy.current_version = current
    policy.status = PolicyStatus.PUBLISHED if current else policy.status
    policy.save(update_fields=["current_version", "status", "updated_at"])


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
