"""What if (design §12): one profile matched as it is and with some answers changed; nothing
is stored. The pages' "try a change" and POST /api/v1/match/compare/ both call it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from policy_match.catalogue import CompiledPolicy, published_catalogue
from policy_match.profile import Profile, Values
from policy_match.report import MatchReport
from policy_match.rules import Subject
from policy_match.services import match_profile

from .render import advised_json


@dataclass(frozen=True)
class ProfileChange:
    """Set `fact` (of the person or loan `ref`, or of the enterprise) to `value`; None makes
    it unknown. The value is already validated and typed (Profile.from_data's rules)."""

    fact: str
    subject: Subject
    ref: str | None
    value: Any


def apply_changes(profile: Profile, changes: list[ProfileChange]) -> Profile:
    enterprise = dict(profile.enterprise)
    people = [(ref, dict(values)) for ref, values in profile.people]
    loans = [(ref, dict(values)) for ref, values in profile.loans]
    for change in changes:
        if change.subject is Subject.ENTERPRISE:
            target: Values = enterprise
        else:
            rows = people if change.subject is Subject.PERSON else loans
            target = next(values for ref, values in rows if ref == change.ref)
        if change.value is None:
            target.pop(change.fact, None)
        else:
            target[change.fact] = change.value
    return replace(profile, enterprise=enterprise, people=tuple(people), loans=tuple(loans))


@dataclass(frozen=True)
class Comparison:
    before: MatchReport
    after: MatchReport


def compare(
    *,
    profile: Profile,
    changes: list[ProfileChange],
    as_of: date,
    catalogue: Sequence[CompiledPolicy] | None = None,
) -> Comparison:
    """Both matches over one reading of the published catalogue (`catalogue` when the caller
    has it already, as match_profile)."""
    changed = apply_changes(profile, changes)
    catalogue = published_catalogue() if catalogue is None else catalogue
    return Comparison(
        before=match_profile(profile=profile, as_of=as_of, catalogue=catalogue),
        after=match_profile(profile=changed, as_of=as_of, catalogue=catalogue),
    )


def comparison_json(comparison: Comparison, language: str) -> dict[str, Any]:
    """Both summaries, and the lines whose status or amount differ (before → after)."""
    before = advised_json(comparison.before, language)
    after = advised_json(comparison.after, language)
    old = {(r["policy"], r["subject"]["ref"]): r for r in before["results"]}
    differ = []
    for line in after["results"]:
        key = (line["policy"], line["subject"]["ref"])
        was = old.pop(key, None)
        if was is None or (was["status"], was["amount"]) != (line["status"], line["amount"]):
            differ.append(_difference(was, line))
    differ += [_difference(was, None) for was in old.values()]  # lines gone (a removed subject)
    return {
        "as_of": after["as_of"],
        "before": before["summary"],
        "after": after["summary"],
        "changed": differ,
    }


def _difference(was: dict[str, Any] | None, now: dict[str, Any] | None) -> dict[str, Any]:
    line = now or was
    assert line is not None
    return {
        "policy": line["policy"],
        "name": line["name"],
        "subject": line["subject"],
        "before": None if was is None else {"status": was["status"], "amount": was["amount"]},
        "after": None if now is None else {"status": now["status"], "amount": now["amount"]},
        "reasons": (now or was or {})["reasons"],
    }
