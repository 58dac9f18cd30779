"""Matching use-cases: evaluate profiles against the published catalogue."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from enterprises.models import Enterprise
from enterprises.selectors import enterprise_profile

from .catalogue import CompiledPolicy, published_catalogue
from .jobs import EVENTS_DISPATCH, job_send
from .models import ChangeCause, Match, MatchChange, MatchStatus
from .profile import Profile, Values
from .records import inputs_of, trace_text
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


def match_profile(
    *, profile: Profile, as_of: date, catalogue: Sequence[CompiledPolicy] | None = None
) -> MatchReport:
    """Evaluate every published measure valid on `as_of`; one line per measure and subject.
    `catalogue`: the published one, when the caller has it already (a batch reads it once)."""
    enterprise, people, loans = profile.contexts(as_of)
    subjects: dict[Subject, list[tuple[str | None, Values]]] = {
        Subject.ENTERPRISE: [(None, enterprise)],
        Subject.PERSON: list(people),
        Subject.LOAN: list(loans),
    }
    lines = [
        evaluate_line(policy, ref, ctx)
        for policy in (published_catalogue() if catalogue is None else catalogue)
        if policy.active_on(as_of)
        for ref, ctx in subjects[policy.subject]
    ]
    return MatchReport(as_of=as_of, lines=tuple(lines))


@dataclass(frozen=True)
class EnterpriseMatch:
    report: MatchReport
    newly_eligible: list[str]  # slugs eligible now that were not eligible before
    changes: list[MatchChange]


def _subject_ids(enterprise: Enterprise) -> dict[tuple[str, str], int]:
    ids = {("person", ref): pk for pk, ref in enterprise.people.values_list("id", "ref")}
    ids.update({("loan", ref): pk for pk, ref in enterprise.loans.values_list("id", "ref")})
    return ids


_COMPARED = ("status", "amount", "missing")  # what makes a row worth writing again
_RECORD = ("version_id", "subject_ref", "status", "amount", "missing", "inputs", "trace",
           "evaluated_on", "evaluated_at")  # fmt: skip


@transaction.atomic
def match_enterprise(
    *, enterprise: Enterprise, as_of: date | None = None, cause: str = ChangeCause.PROFILE
) -> EnterpriseMatch:
    """Match a stored enterprise and store what changed: like a re-match chunk, a row is
    written only when its status, amount or missing facts differ, with its decision record,
    and each change of status or amount is a MatchChange (same transaction)."""
    as_of = as_of or timezone.localdate()
    report = match_profile(profile=enterprise_profile(enterprise=enterprise), as_of=as_of)
    ids = _subject_ids(enterprise)
    now = timezone.now()
    stored = {
        (m.policy_id, m.subject_id): m
        for m in Match.objects.select_for_update().filter(enterprise=enterprise)
    }
    created, updated, changes = [], [], []
    for line in report.lines:
        subject = line.policy.subject.value
        row = Match(
            enterprise=enterprise,
            policy_id=line.policy.policy_id,
            version_id=line.policy.version_id,
            subject_type=subject,
            subject_id=0 if line.ref is None else ids[(subject, line.ref)],
            subject_ref=line.ref or "",
            status=line.status,
            amount=line.amount,
            missing=line.missing(),
            inputs=inputs_of(line.policy, line.ctx),
            trace=trace_text(line.trace),
            evaluated_on=as_of,
            evaluated_at=now,
        )
        old = stored.pop((row.policy_id, row.subject_id), None)
        if old is None:
            created.append(row)
        elif not old.trace or any(getattr(old, name) != getattr(row, name) for name in _COMPARED):
            row.pk = old.pk
            updated.append(row)
        else:
            continue
        if old is None or (old.status, old.amount) != (row.status, row.amount):
            changes.append(_change(row, old, cause, now))
    for old in stored.values():  # subjects gone, or measures no longer in force
        changes.append(_change(None, old, cause, now))
    Match.objects.filter(pk__in=[m.pk for m in stored.values()]).delete()
    Match.objects.bulk_create(created)
    Match.objects.bulk_update(updated, _RECORD)
    MatchChange.objects.bulk_create(changes)
    if changes:
        _dispatch_on_commit()
    Enterprise.objects.filter(pk=enterprise.pk).update(matched_at=now)
    enterprise.matched_at = now
    slugs = {line.policy.policy_id: line.policy.slug for line in report.lines}
    newly = sorted(
        {
            slugs[c.policy_id]
            for c in changes
            if c.to_status == MatchStatus.ELIGIBLE and c.from_status != MatchStatus.ELIGIBLE
        }
    )
    return EnterpriseMatch(report=report, newly_eligible=newly, changes=changes)


def _dispatch_on_commit() -> None:
    """Webhooks read the change events (an outbox) once they commit."""
    transaction.on_commit(lambda: job_send(EVENTS_DISPATCH))


def _change(new: Match | None, old: Match | None, cause: str, now: datetime) -> MatchChange:
    row = new or old
    assert row is not None
    return MatchChange(
        enterprise_id=row.enterprise_id,
        policy_id=row.policy_id,
        subject_type=row.subject_type,
        subject_id=row.subject_id,
        subject_ref=row.subject_ref,
        from_status=old.status if old else None,
        to_status=new.status if new else None,
        from_amount=old.amount if old else None,
        to_amount=new.amount if new else None,
        version_id=row.version_id,
        cause=cause,
        at=now,
    )
