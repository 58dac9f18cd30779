"""A signed-in startup's stored matches as a MatchReport (cards.py and sections.py render it).

Stored matches are turned back into report lines, so a signed-in startup's stored results are
rendered by exactly the same code (and the same advised JSON as the API) as a live match.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from enterprises.models import Enterprise
from enterprises.selectors import enterprise_profile
from policies.models import PolicyVersion
from policy_match.catalogue import compile_version
from policy_match.models import MatchStatus
from policy_match.profile import Profile
from policy_match.records import context_of, trace_of
from policy_match.report import Line, MatchReport
from policy_match.rules import FALSE, TRUE, UNKNOWN
from policy_match.selectors import match_list_for_enterprise
from policy_match.services import evaluate_line

_OUTCOMES = {
    MatchStatus.ELIGIBLE: TRUE,
    MatchStatus.INELIGIBLE: FALSE,
    MatchStatus.UNDETERMINED: UNKNOWN,
}


@dataclass(frozen=True)
class StoredReport:
    report: MatchReport
    profile: Profile
    stale: bool  # the profile changed after the matches were stored (re-match under way)


def stored_report(*, enterprise: Enterprise) -> StoredReport | None:
    """The enterprise's stored matches as a report, each line explained by its own decision
    record (the values and outcomes stored with it), or None when none are stored yet."""
    matches = list(match_list_for_enterprise(enterprise=enterprise))
    if not matches:
        return None
    profile = enterprise_profile(enterprise=enterprise)
    as_of = max(m.evaluated_on for m in matches)
    versions = PolicyVersion.objects.filter(pk__in={m.version_id for m in matches})
    compiled = {v.pk: compile_version(v) for v in versions.select_related("policy")}
    ent, people, loans = profile.contexts(as_of)
    today: dict[tuple[str, str], dict[str, Any]] = {("enterprise", ""): ent}
    today.update({("person", ref): ctx for ref, ctx in people})
    today.update({("loan", ref): ctx for ref, ctx in loans})
    lines = []
    for match in matches:
        policy = compiled[match.version_id]
        trace = trace_of(match.trace)
        ctx: dict[str, Any] | None
        if len(trace) == len(policy.rule.rule.nodes):
            ctx = context_of(policy, match.inputs, match.evaluated_on)
        else:  # stored before decision records: explained from the profile (re-match due)
            ctx = today.get((match.subject_type, match.subject_ref))
            if ctx is None:  # the person or loan is gone; its re-match is under way
                continue
            trace = evaluate_line(policy, match.subject_ref or None, ctx).trace
        outcome = _OUTCOMES[MatchStatus(match.status)]
        lines.append(Line(policy, match.subject_ref or None, outcome, trace, ctx, match.amount))
    stale = enterprise.matched_at is None or enterprise.matched_at < enterprise.updated_at
    return StoredReport(MatchReport(as_of=as_of, lines=tuple(lines)), profile, stale)
