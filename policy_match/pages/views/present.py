"""Results as the pages show them: a MatchReport (live or from stored matches) → cards.

The report's own JSON (design §7) gives statuses, amounts, reasons and missing facts in the
page's language; the published version adds what a founder needs to act (summary, how to apply,
sources, reminders). Stored matches are turned back into report lines, so a signed-in
startup's stored results are rendered by exactly the same code as a live match.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from enterprises.selectors import enterprise_profile
from policies.models import Category, PolicyVersion
from policy_match.catalogue import CompiledPolicy, compile_version
from policy_match.models import MatchStatus
from policy_match.profile import Profile
from policy_match.records import context_of, trace_of
from policy_match.report import Line, MatchReport, total
from policy_match.rules import FACTS, FALSE, TRUE, UNKNOWN, Subject
from policy_match.selectors import match_list_for_enterprise
from policy_match.services import evaluate_line

_OUTCOMES = {
    MatchStatus.ELIGIBLE: TRUE,
    MatchStatus.INELIGIBLE: FALSE,
    MatchStatus.UNDETERMINED: UNKNOWN,
}
_REF = re.compile(r"^([pl])(\d+)$")
_STEP = {Subject.ENTERPRISE: "enterprise", Subject.PERSON: "people", Subject.LOAN: "loans"}


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


def subject_label(subject: str, ref: str | None) -> str:
    if not ref:
        return ""
    match = _REF.match(ref)
    if match is None:
        return ref
    number = match.group(2)
    return (
        _("人员 %(n)s") % {"n": number} if subject == "person" else _("贷款 %(n)s") % {"n": number}
    )


def _field_url(fact_name: str, index: int | None) -> str:
    fact = FACTS[fact_name]
    step = _STEP[fact.subject]
    url = reverse("pages:profile-step", kwargs={"step": step})
    prefix = step if fact.subject is Subject.ENTERPRISE else f"{step}-{index or 0}"
    return f"{url}#field-{prefix}-{fact_name}"


def source_link(source: dict[str, Any]) -> dict[str, str]:
    url = str(source.get("url") or "")
    return {
        "title": str(source.get("title") or source.get("ref") or ""),
        "url": url if url.startswith(("http://", "https://")) else "",
        "date": str(source.get("date") or ""),
        "quote": str(source.get("quote") or ""),
    }


def manual_checks(version: PolicyVersion, language: str) -> list[str]:
    key = "en" if language == "en" else "zh-hans"
    return [str(c.get(key) or c.get("zh-hans") or "") for c in version.manual_checks or []]


@dataclass(frozen=True)
class Results:
    as_of: date
    summary: dict[str, Any]
    eligible: list[dict[str, Any]]
    undetermined: list[dict[str, Any]]
    ineligible: list[dict[str, Any]]
    questions: list[dict[str, Any]]  # missing facts, the most useful first


def present(report: MatchReport, profile: Profile, language: str) -> Results:
    """The report as cards in `language`, with links from missing facts to their fields."""
    data = report.to_json(language)
    by_slug: dict[str, CompiledPolicy] = {line.policy.slug: line.policy for line in report.lines}
    versions = {
        v.pk: v
        for v in PolicyVersion.objects.filter(
            pk__in={p.version_id for p in by_slug.values()}
        ).select_related("policy")
    }
    index = {("person", ref): i for i, (ref, _v) in enumerate(profile.people)}
    index.update({("loan", ref): i for i, (ref, _v) in enumerate(profile.loans)})
    categories = dict(Category.choices)
    _, excluded = total(line for line in report.lines if line.outcome == TRUE)
    cards: dict[str, list[dict[str, Any]]] = {"eligible": [], "undetermined": [], "ineligible": []}
    asked: Counter[tuple[str, int | None]] = Counter()
    for result in data["results"]:
        version = versions[by_slug[result["policy"]].version_id]
        subject, ref = result["subject"]["type"], result["subject"]["ref"]
        position = index.get((subject, ref))
        missing = []
        for item in result["missing"]:
            fact = FACTS[item["fact"]]
            at = None if fact.subject is Subject.ENTERPRISE else position
            missing.append(
                {
                    "label": item["label"],
                    "help": fact.help.get(language),
                    "url": _field_url(item["fact"], at),
                    "subject": subject_label(fact.subject.value, ref) if at is not None else "",
                }
            )
            if result["status"] == "undetermined":
                asked[(item["fact"], at)] += 1
        amount = result["amount"]
        cards[result["status"]].append(
            {
                "slug": result["policy"],
                "status": result["status"],
                "name": result["name"],
                "category": categories.get(result["category"], result["category"]),
                "subject": subject_label(subject, ref),
                "amount": None if amount is None else Decimal(amount),
                "amount_note": version.amount_note,
                "excluded_by": (
                    by_slug[excluded[result["policy"]]].name.get(language)
                    if result["status"] == "eligible" and result["policy"] in excluded
                    else ""
                ),
                "reasons": result["reasons"],
                "failing": [r for r in result["reasons"] if r["outcome"] == "false"],
                "missing": missing,
                "summary": version.summary,
                "benefit_kind": version.get_benefit_kind_display(),
                "value_note": version.value_note,
                "estimated_value": version.estimated_value,
                "channel": version.application_channel,
                "application_url": version.application_url,
                "sources": [source_link(s) for s in version.sources or [] if isinstance(s, dict)],
                "checks": manual_checks(version, language),
            }
        )
    for status in ("eligible", "undetermined"):
        cards[status].sort(key=lambda c: (c["amount"] is None, -(c["amount"] or 0), c["name"]))
    cards["ineligible"].sort(key=lambda c: c["name"])
    questions = [
        {
            "label": FACTS[name].label.get(language),
            "help": FACTS[name].help.get(language),
            "url": _field_url(name, at),
            "subject": _subject_of(name, at, profile),
            "count": count,
        }
        for (name, at), count in sorted(asked.items(), key=lambda kv: (-kv[1], kv[0][0]))
    ]
    summary = {
        **data["summary"],
        "total_amount": Decimal(data["summary"]["total_amount"]),
        "could_unlock_amount": Decimal(data["summary"]["could_unlock_amount"]),
    }
    return Results(
        report.as_of, summary, cards["eligible"], cards["undetermined"], cards["ineligible"],
        questions,
    )  # fmt: skip


def _subject_of(name: str, at: int | None, profile: Profile) -> str:
    subject = FACTS[name].subject
    if at is None or subject is Subject.ENTERPRISE:
        return ""
    rows = profile.people if subject is Subject.PERSON else profile.loans
    return subject_label(subject.value, rows[at][0]) if at < len(rows) else ""
