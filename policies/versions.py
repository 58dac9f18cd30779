"""Dated versions of a measure (design §13): which version is in force on a date, and how a
publish fits a new version into the timeline.

A measure's published versions cover periods `[valid_from, valid_to]` (an empty bound is open)
that never overlap, so a date selects at most one. Publishing a draft:
- a published version with the same start is replaced (a correction: it is superseded);
- one that starts earlier and would overlap ends the day before the draft starts (an
  amendment from a date; a draft may start in the future and takes effect that day);
- one that starts later and would overlap is a conflict: the draft must end before it.
The service checks this on every database; PostgreSQL also holds it in an exclusion constraint.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from django.db.models import Q, QuerySet

from policy_match.rules import Text

from .models import PolicyVersion, VersionStatus

EARLIEST, LATEST = date.min, date.max


class VersionOverlap(ValueError):
    """A draft would overlap a published version that starts after it."""

    def __init__(self, other: PolicyVersion) -> None:
        self.other = other
        start = other.valid_from.isoformat() if other.valid_from else "—"
        self.message = Text(
            f"与 v{other.number}（自 {start} 起）的有效期重叠：请把截止日期设在它开始之前",
            f"overlaps v{other.number} (from {start}): end this version before it starts",
        )
        super().__init__(self.message.en)


def start(version: PolicyVersion) -> date:
    return version.valid_from or EARLIEST


def end(version: PolicyVersion) -> date:
    return version.valid_to or LATEST


def in_force(version: PolicyVersion, as_of: date) -> bool:
    return start(version) <= as_of <= end(version)


def in_force_q(as_of: date, prefix: str = "") -> Q:
    """Versions whose period holds `as_of` (a filter over PolicyVersion, or `prefix` + it)."""
    started = Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": as_of})
    not_ended = Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": as_of})
    return started & not_ended


def timeline(versions: Iterable[PolicyVersion]) -> list[PolicyVersion]:
    """Published versions in the order of their periods."""
    return sorted((v for v in versions if v.status == VersionStatus.PUBLISHED), key=start)


def published_versions(policy_id: int) -> QuerySet[PolicyVersion]:
    return PolicyVersion.objects.filter(policy_id=policy_id, status=VersionStatus.PUBLISHED)


def version_in_force(*, policy_id: int, as_of: date) -> PolicyVersion | None:
    """The published version of a measure in force on `as_of`, if any."""
    return published_versions(policy_id).filter(in_force_q(as_of)).select_related("policy").first()


def latest(versions: Sequence[PolicyVersion]) -> PolicyVersion | None:
    """The version that starts last: the policy's current version, which new drafts copy."""
    ordered = timeline(versions)
    return ordered[-1] if ordered else None


@dataclass(frozen=True)
class PublishPlan:
    superseded: tuple[PolicyVersion, ...]  # same start: the draft corrects them
    shortened: tuple[tuple[PolicyVersion, date], ...]  # (version, its new valid_to)


def plan_publish(*, draft: PolicyVersion, published: Sequence[PolicyVersion]) -> PublishPlan:
    """How publishing `draft` changes the published versions; raises VersionOverlap."""
    superseded, shortened = [], []
    for other in timeline(published):
        if start(other) == start(draft):
            superseded.append(other)
        elif start(other) < start(draft):
            if end(other) >= start(draft):
                shortened.append((other, start(draft) - timedelta(days=1)))
        elif start(other) <= end(draft):
            raise VersionOverlap(other)
    return PublishPlan(tuple(superseded), tuple(shortened))


def check_no_overlap(versions: Iterable[PolicyVersion]) -> None:
    """Raise VersionOverlap if two published versions share a day (SQLite has no constraint)."""
    ordered = timeline(versions)
    for before, after in pairwise(ordered):
        if end(before) >= start(after):
            raise VersionOverlap(after)
