"""Matching use-cases: evaluate profiles against the published catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from enterprises.models import Enterprise
from enterprises.selectors import enterprise_profile

from .catalogue import CompiledPolicy, published_catalogue
from .models import Match, MatchStatus
from .profile import Profile, Values
from .report import Line, MatchReport
from .rules import FALSE, Subject, compute, money


def evaluate_line(policy: CompiledPolicy, ref: str | None, ctx: Values) -> Line:
    """One measure for one subject: outcome, trace and amount."""
    outcome, trace = policy.rule.run(ctx)
    amount = None
    if outcome != FALSE:
        if policy.formula is None:
            amount = money(policy.cap, None)
        else:
            amount = money(compute(policy.formula, ctx), policy.cap)
    return Line(policy, ref, outcome, trace, ctx, amount)


def match_profile(*, profile: Profile, as_of: date) -> MatchReport:
    """Evaluate every published measure valid on `as_of`; one line per measure and subject."""
    enterprise, people, loans = profile.contexts(as_of)
    subjects: dict[Subject, list[tuple[str | None, Values]]] = {
        Subject.ENTERPRISE: [(None, enterprise)],
        Subject.PERSON: list(people),
        Subject.LOAN: list(loans),
    }
    lines = [
        evaluate_line(policy, ref, ctx)
        for policy in published_catalogue()
        if policy.active_on(as_of)
        for ref, ctx in subjects[policy.subject]
    ]
    return MatchReport(as_of=as_of, lines=tuple(lines))


@dataclass(frozen=True)
class EnterpriseMatch:
    report: MatchReport
    newly_eligible: list[str]  # slugs eligible now that were not eligible before


def _subject_ids(enterprise: Enterprise) -> dict[tuple[str, str], int]:
    ids = {("person", ref): pk for pk, ref in enterprise.people.values_list("id", "ref")}
    ids.update({("loan", ref): pk for pk, ref in enterprise.loans.values_list("id", "ref")})
    return ids


@transaction.atomic
def match_enterprise(*, enterprise: Enterprise, as_of: date | None = None) -> EnterpriseMatch:
    """Match a stored enterprise and replace its stored matches with the result."""
    as_of = as_of or timezone.localdate()
    report = match_profile(profile=enterprise_profile(enterprise=enterprise), as_of=as_of)
    previous = set(
        Match.objects.filter(enterprise=enterprise, status=MatchStatus.ELIGIBLE).values_list(
            "policy__slug", flat=True
        )
    )
    ids = _subject_ids(enterprise)
    now = timezone.now()
    rows = []
    for line in report.lines:
        subject = line.policy.subject.value
        rows.append(
            Match(
                enterprise=enterprise,
                policy_id=line.policy.policy_id,
                version_id=line.policy.version_id,
                subject_type=subject,
                subject_id=0 if line.ref is None else ids[(subject, line.ref)],
                subject_ref=line.ref or "",
                status=line.status,
                amount=line.amount,
                missing=line.missing(),
                trace=list(line.trace),
                evaluated_at=now,
            )
        )
    Match.objects.filter(enterprise=enterprise).delete()
    Match.objects.bulk_create(rows)
    eligible_now = {line.policy.slug for line in report.lines if line.status == "eligible"}
    return EnterpriseMatch(report=report, newly_eligible=sorted(eligible_now - previous))
