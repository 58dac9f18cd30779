"""Take-up (design §14): per measure, how many lines are eligible, applied for, awarded and
paid, and the money matched that nobody applied for; per enterprise, its open opportunities.

The per-measure figures are aggregates refreshed into TakeUp rows (one GROUP BY per measure
over its eligible and undetermined rows, by the (policy, status) index), so that the staff page
reads 35 rows, not the millions of matches of a whole district.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from enterprises.models import Enterprise
from policies.models import Policy, PolicyStatus

from .models import Application, ApplicationStatus, Match, MatchStatus, TakeUp
from .windows import Window, window_of

_ZERO = Decimal("0.00")


def _applied_line() -> Exists:
    return Exists(
        Application.objects.filter(
            enterprise_id=OuterRef("enterprise_id"),
            policy_id=OuterRef("policy_id"),
            subject_id=OuterRef("subject_id"),
        )
    )


def takeup_refresh(*, policy_ids: list[int] | None = None, now: datetime | None = None) -> int:
    """Recompute the take-up of these measures (all published ones by default); returns how
    many rows were written."""
    now = now or timezone.now()
    policies = Policy.objects.filter(status=PolicyStatus.PUBLISHED)
    if policy_ids is not None:
        policies = policies.filter(pk__in=policy_ids)
    written = 0
    for policy_id in policies.values_list("pk", flat=True):
        eligible = Q(status=MatchStatus.ELIGIBLE)
        unclaimed = eligible & ~_applied_line()
        matches = Match.objects.filter(
            policy_id=policy_id, status__in=(MatchStatus.ELIGIBLE, MatchStatus.UNDETERMINED)
        ).aggregate(
            eligible=Count("id", filter=eligible),
            undetermined=Count("id", filter=Q(status=MatchStatus.UNDETERMINED)),
            eligible_amount=Sum("amount", filter=eligible),
            unclaimed=Count("id", filter=unclaimed),
            unclaimed_amount=Sum("amount", filter=unclaimed),
        )
        awarded = Q(status__in=(ApplicationStatus.AWARDED, ApplicationStatus.PAID))
        applications = Application.objects.filter(policy_id=policy_id).aggregate(
            applied=Count("id"),
            awarded=Count("id", filter=awarded),
            paid=Count("id", filter=Q(status=ApplicationStatus.PAID)),
            rejected=Count("id", filter=Q(status=ApplicationStatus.REJECTED)),
            awarded_amount=Sum("awarded_amount", filter=awarded),
            paid_amount=Sum("paid_amount", filter=Q(status=ApplicationStatus.PAID)),
        )
        figures = {
            name: (_ZERO if value is None else value) if name.endswith("amount") else value
            for name, value in {**matches, **applications}.items()
        }
        TakeUp.objects.update_or_create(
            policy_id=policy_id, defaults={**figures, "computed_at": now}
        )
        written += 1
    return written


def takeup_list() -> QuerySet[TakeUp]:
    """The take-up rows of published measures, most unclaimed money first."""
    return (
        TakeUp.objects.filter(policy__status=PolicyStatus.PUBLISHED)
        .select_related("policy__current_version")
        .order_by("-unclaimed_amount", "policy__slug")
    )


@dataclass(frozen=True)
class Opportunity:
    match: Match
    window: Window


def enterprise_opportunities(*, enterprise: Enterprise, as_of: date) -> list[Opportunity]:
    """An enterprise's eligible and undetermined lines that nobody applied for, whose window
    is not closed on `as_of`: eligible first, then by amount."""
    matches = (
        Match.objects.filter(
            enterprise=enterprise, status__in=(MatchStatus.ELIGIBLE, MatchStatus.UNDETERMINED)
        )
        .exclude(_applied_line())
        .select_related("policy", "version")
    )
    found = []
    for match in matches:
        version = match.version
        window = window_of(version, as_of=as_of)
        if window.state != "closed":
            found.append(Opportunity(match, window))
    found.sort(
        key=lambda o: (o.match.status != MatchStatus.ELIGIBLE, -(o.match.amount or 0), o.match.pk)
    )
    return found
