"""A report with its advice, as the API, the command and the pages show it (design §12).

Each line gains its honest money (`award`, `amount_kind`), its `confidence`, reasons with their
provenance, and its `unlock`; the summary gains `entitled_amount` and `competitive_amount`
(they sum to `total_amount`), `within_reach` (single changes ranked by the money they unlock)
and `ask_next` (missing facts ranked by the money they could settle).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar, cast

from policy_match.report import Line, MatchReport, total
from policy_match.rules import FACTS, TRUE, UNKNOWN, Subject, normalize_language
from policy_match.rules.shown import format_value, requirement
from policy_match.windows import window_of, window_text

from .unlock import Change, Unlock, json_value, unlock

T = TypeVar("T")

_QUESTIONS_ONLY = {
    "zh-hans": "没有需要改变的条件：回答待确定的问题即可知道结果",
    "en": "Nothing to change: answer the open questions to find out",
}
_BLOCKED = {
    "zh-hans": "取决于企业无法作为下一步改变的条件：{facts}",
    "en": "Depends on conditions an enterprise cannot change as a next step: {facts}",
}


# Unlocks and rendered extras of lines, by what they depend on (as report.py's line cache):
# the measure (its id: the entry keeps it, so the id is not reused while cached), the subject,
# the outcome and trace, and every value the rule and formula read.
_UNLOCKS: dict[tuple[Any, ...], tuple[Any, Any]] = {}
_MISSING: dict[tuple[Any, ...], tuple[Any, Any]] = {}
_EXTRAS: dict[tuple[Any, ...], tuple[Any, Any]] = {}
_MAX = 10_000


def _key(line: Line) -> tuple[Any, ...] | None:
    try:
        shown = tuple(map(line.ctx.get, line.policy.shown_facts))
        key = (id(line.policy), line.ref, line.outcome, line.trace, shown)
        hash(key)
    except TypeError:  # an unhashable value: no cache
        return None
    return key


def _cached(
    store: dict[tuple[Any, ...], tuple[Any, Any]],
    key: tuple[Any, ...] | None,
    line: Line,
    make: Callable[[], T],
) -> T:
    """`make()`, cached in `store` by `key` for the line's measure (None: not cached)."""
    hit = store.get(key) if key is not None else None
    if hit is not None and hit[0] is line.policy:
        return cast(T, hit[1])
    made = make()
    if key is not None:
        if len(store) >= _MAX:
            store.clear()
        store[key] = (line.policy, made)
    return made


_NO_KEY: tuple[Any, ...] = ()


def cached_unlock(line: Line, key: tuple[Any, ...] | None = _NO_KEY) -> Unlock | None:
    key = _key(line) if key is _NO_KEY else key
    return _cached(_UNLOCKS, key, line, lambda: unlock(line))


def cached_missing(line: Line, key: tuple[Any, ...] | None) -> list[str]:
    """line.missing(), which the questions and the changes of every report ask for again."""
    return _cached(_MISSING, key, line, line.missing)


def _cached_extras(
    line: Line, found: Unlock | None, language: str, as_of: date, key: tuple[Any, ...] | None
) -> dict[str, Any]:
    full = None if key is None else (*key, language, as_of)
    return _cached(_EXTRAS, full, line, lambda: line_extras(line, found, language, as_of))


_MERGED: dict[tuple[int, int], tuple[Any, Any, dict[str, Any]]] = {}


def _merged(result: dict[str, Any], extras: dict[str, Any]) -> dict[str, Any]:
    """A line's result with its extras: both come from the caches above, so the merged line is
    cached by the pair (each entry keeps the pair, so neither id is reused while it is cached)."""
    key = (id(result), id(extras))
    hit = _MERGED.get(key)
    if hit is not None and hit[0] is result and hit[1] is extras:
        return hit[2]
    merged = {**result, **extras}
    if len(_MERGED) >= _MAX:
        _MERGED.clear()
    _MERGED[key] = (result, extras, merged)
    return merged


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


_CHANGES: dict[tuple[Any, ...], dict[str, Any]] = {}


def change_json(change: Change, language: str) -> dict[str, Any]:
    """A change as the API shows it (cached: the same few changes recur in every report)."""
    try:
        key = (*change.key, json_value(change.current).__repr__(), language)
    except TypeError:
        return _change_json(change, language)
    found = _CHANGES.get(key)
    if found is None:
        if len(_CHANGES) >= _MAX:
            _CHANGES.clear()
        found = _CHANGES[key] = _change_json(change, language)
    return found


def _change_json(change: Change, language: str) -> dict[str, Any]:
    return {
        "fact": change.fact,
        "ref": change.ref,
        "current": json_value(change.current),
        "target": {"op": change.op, "value": json_value(change.value)},
        "text": change_text(change, language),
    }


def change_text(change: Change, language: str) -> str:
    """What to do, e.g. "提高研发投入占营业收入的比例：不少于 4%（现为 3.1%）"."""
    fact = FACTS[change.fact]
    zh = normalize_language(language) == "zh-hans"
    action = fact.action.get(language) if fact.action else fact.label.get(language)
    if isinstance(change.value, bool):
        return action
    wanted = requirement(fact, change.op, change.value, language)
    text = (
        f"{action}：{fact.label.get(language)}{wanted}"
        if zh
        else f"{action}: {fact.label.get(language)} {wanted}"
    )
    if change.current is not None:
        now = format_value(fact, change.current, language)
        text += f"（现为 {now}）" if zh else f" (now {now})"
    return text


def line_extras(line: Line, found: Unlock | None, language: str, as_of: date) -> dict[str, Any]:
    policy = line.policy
    window = window_of(policy, as_of=as_of)
    extras: dict[str, Any] = {
        "window": {
            "state": window.state,
            "opens": window.opens.isoformat() if window.opens else None,
            "closes": window.closes.isoformat() if window.closes else None,
            "days_left": window.days_left,
            "text": window_text(window, language),
        },
        "documents": [document.get(language) for document in policy.documents],
        "award": policy.award,
        "amount_kind": policy.amount_kind,
        "confidence": policy.confidence,
        "unlock": None,
        "unlock_amount": None,
        "unlock_reason": None,
    }
    if found is None:
        return extras
    if found.changes is None:
        labels = [FACTS[name].label.get(language) for name in found.blocked_by]
        joined = (
            "、".join(labels) if normalize_language(language) == "zh-hans" else ", ".join(labels)
        )
        extras["unlock_reason"] = _BLOCKED[normalize_language(language)].format(facts=joined)
        return extras
    extras["unlock"] = [change_json(change, language) for change in found.changes]
    extras["unlock_amount"] = _money(found.amount)
    if not found.changes:
        extras["unlock_reason"] = _QUESTIONS_ONLY[normalize_language(language)]
    return extras


def _as_eligible(line: Line, amount: Decimal | None) -> Line:
    return Line(line.policy, line.ref, TRUE, line.trace, line.ctx, amount)


def within_reach(
    report: MatchReport,
    unlocks: dict[int, Unlock | None],
    missing: dict[int, list[str]],
    language: str,
) -> list[dict[str, Any]]:
    """Single actionable changes, each with the measures it alone unlocks and the money."""
    by_change: dict[tuple[Any, ...], tuple[Change, list[Line]]] = {}
    for index, line in enumerate(report.lines):
        found = unlocks.get(index)
        if found is None or found.changes is None or len(found.changes) != 1:
            continue
        (change,) = found.changes
        if missing.get(index):
            continue  # still open after the change: a question decides it, not the change
        entry = by_change.setdefault(change.key, (change, []))
        entry[1].append(_as_eligible(line, found.amount))
    ranked = []
    for change, lines in by_change.values():
        ranked.append(
            {
                **change_json(change, language),
                "unlocks": sorted({line.policy.slug for line in lines}),
                "amount": str(report.gain(lines)),
            }
        )
    return sorted(ranked, key=lambda c: (-Decimal(c["amount"]), -len(c["unlocks"]), c["text"]))


def ask_next(
    report: MatchReport, missing: dict[int, list[str]], language: str
) -> list[dict[str, Any]]:
    """The missing facts, by the money the measures they could decide are worth."""
    decides: dict[tuple[str, str | None], list[Line]] = defaultdict(list)
    for index, names in missing.items():
        line = report.lines[index]
        for name in names:
            own = FACTS[name].subject is not Subject.ENTERPRISE
            decides[(name, line.ref if own else None)].append(line)
    # Several questions often decide the same lines (hukou city, district and date): their
    # money is worked out once.
    gains: dict[tuple[int, ...], str] = {}

    def gain(lines: list[Line]) -> str:
        key = tuple(map(id, lines))
        if key not in gains:
            # The lines as they are: gain() reads only their measures and amounts.
            gains[key] = str(report.gain(lines))
        return gains[key]

    asked = [
        {
            "fact": name,
            "ref": ref,
            "label": FACTS[name].label.get(language),
            "decides": sorted({line.policy.slug for line in lines}),
            "amount": gain(lines),
        }
        for (name, ref), lines in decides.items()
    ]
    return sorted(
        asked, key=lambda q: (-Decimal(q["amount"]), -len(q["decides"]), q["fact"], q["ref"] or "")
    )


def honest_money(report: MatchReport) -> dict[str, str]:
    """The eligible money that meeting the conditions gives, and the competitive maxima."""
    whole, _ = report.eligible_total
    entitled, _ = total(
        line for line in report.lines if line.outcome == TRUE and line.policy.award == "entitled"
    )
    entitled = min(entitled, whole)
    return {"entitled_amount": str(entitled), "competitive_amount": str(whole - entitled)}


def advised_json(report: MatchReport, language: str = "zh-hans") -> dict[str, Any]:
    """The design §7 response with the advice of §12, every string in `language`."""
    language = normalize_language(language)
    body = report.to_json(language)
    keys = [_key(line) for line in report.lines]  # once per line: both caches use it
    unlocks = {index: cached_unlock(line, keys[index]) for index, line in enumerate(report.lines)}
    # What the undetermined lines still need: the questions, and whether a change decides one.
    missing = {
        index: cached_missing(line, keys[index])
        for index, line in enumerate(report.lines)
        if line.outcome == UNKNOWN
    }
    by_key = {
        (line.policy.slug, line.ref): (line, unlocks[index], keys[index])
        for index, line in enumerate(report.lines)
    }
    results = []
    for result in body["results"]:
        line, found, key = by_key[(result["policy"], result["subject"]["ref"])]
        results.append(_merged(result, _cached_extras(line, found, language, report.as_of, key)))
    body["results"] = results
    body["summary"] = {
        **body["summary"],
        **honest_money(report),
        "within_reach": within_reach(report, unlocks, missing, language),
        "ask_next": ask_next(report, missing, language),
    }
    return body
