"""Reads over stored matches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from enterprises.models import Enterprise

from .models import Match, MatchChange, RematchChunk


def match_list_for_enterprise(*, enterprise: Enterprise) -> QuerySet[Match]:
    return (
        Match.objects.filter(enterprise=enterprise)
        .select_related("policy", "version")
        .order_by("status", "policy__slug", "subject_id")
    )


def match_records(*, enterprise: Enterprise, slug: str) -> QuerySet[Match]:
    """The stored results of one measure for an enterprise (one per subject)."""
    return match_list_for_enterprise(enterprise=enterprise).filter(policy__slug=slug)


@dataclass(frozen=True)
class Confirmation:
    version_number: int | None
    on: date


def match_confirmed(*, match: Match) -> Confirmation:
    """The latest re-match that confirmed a stored result: a row is written only when it
    changes, so a later run over its enterprise's id range, with the version in force then,
    confirmed it unchanged. Without one, the row's own evaluation."""
    chunk = (
        RematchChunk.objects.filter(
            run__policy_id=match.policy_id,
            first_id__lte=match.enterprise_id,
            last_id__gte=match.enterprise_id,
            done_at__gte=match.evaluated_at,
            run__crossings_only=False,
        )
        .select_related("run__version")
        .order_by("-done_at")
        .first()
    )
    if chunk is None or chunk.run.as_of < match.evaluated_on:
        return Confirmation(match.version.number if match.version else None, match.evaluated_on)
    version = chunk.run.version
    return Confirmation(version.number if version else None, chunk.run.as_of)


def match_changes(*, enterprise: Enterprise, policy_id: int | None = None) -> QuerySet[MatchChange]:
    """An enterprise's change events, newest first (of one measure if given)."""
    changes = MatchChange.objects.filter(enterprise=enterprise).select_related("policy")
    return changes if policy_id is None else changes.filter(policy_id=policy_id)
