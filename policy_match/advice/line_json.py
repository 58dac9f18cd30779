"""A line's advice as the API shows it: its window, documents, honest money and unlock, and
each change to make, in the reader's language (design §12)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from policy_match.report import Line
from policy_match.rules import FACTS, normalize_language
from policy_match.rules.shown import format_value, requirement
from policy_match.windows import window_of, window_text

from .unlock import Change, Unlock, json_value

CACHE_SIZE = 10_000  # entries of each advice cache (about 3 KB a line at most)

_QUESTIONS_ONLY = {
    "zh-hans": "没有需要改变的条件：回答待确定的问题即可知道结果",
    "en": "Nothing to change: answer the open questions to find out",
}
_BLOCKED = {
    "zh-hans": "取决于企业无法作为下一步改变的条件：{facts}",
    "en": "Depends on conditions an enterprise cannot change as a next step: {facts}",
}


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
        if len(_CHANGES) >= CACHE_SIZE:
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
