"""Matching use-cases: evaluate profiles against the published catalogue."""

from __future__ import annotations

from datetime import date

from .catalogue import CompiledPolicy, published_catalogue
from .profile import Profile, Values
from .report import Line, MatchReport
from .rules import FALSE, Subject, compute, money


def _line(policy: CompiledPolicy, ref: str | None, ctx: Values) -> Line:
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
        _line(policy, ref, ctx)
        for policy in published_catalogue()
        if policy.active_on(as_of)
        for ref, ctx in subjects[policy.subject]
    ]
    return MatchReport(as_of=as_of, lines=tuple(lines))
