"""What changed between two versions, in sentences a curator reads: the conditions whose
sentence changed (old → new), then caps, dates and the other fields by their label, each value
as staff read it (yuan with separators, a text in their language, a formula in words). Values
that read the same on both sides are no change, so no "— → —" row is ever shown.
"""

from __future__ import annotations

import difflib
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import FieldDoesNotExist

from policy_match.rules import RuleError, parse, render_rule

from .benefit_editor import formula_text
from .field_paths import field_for_path
from .models import PolicyVersion
from .rule_sentences import language

_MONEY = {"benefit.cap", "benefit.estimated_value"}
_NONE = {"zh-hans": "（无）", "en": "(none)"}


def rule_lines(rule: Any, lang: str) -> list[str]:
    try:
        return render_rule(parse(rule, "rule"), lang)
    except (RuleError, RecursionError):
        return []


def rule_changes(old: Any, new: Any, lang: str | None = None) -> list[dict[str, str]]:
    """Changed, added and removed condition sentences, in the rule's order."""
    lang = lang or language()
    before, after = rule_lines(old, lang), rule_lines(new, lang)
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    found: list[dict[str, str]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        olds, news = before[i1:i2], after[j1:j2]
        for k in range(max(len(olds), len(news))):
            was = olds[k].strip() if k < len(olds) else ""
            now = news[k].strip() if k < len(news) else ""
            kind = "changed" if was and now else ("added" if now else "removed")
            found.append({"kind": kind, "old": was, "new": now})
    return found


def shown(path: str, value: Any, lang: str) -> str:
    """One document value as staff read it."""
    if value in (None, "", [], {}):
        return _NONE[lang]
    if path in _MONEY:
        try:
            return f"{Decimal(str(value)):,.2f}".removesuffix(".00") + (
                " 元" if lang == "zh-hans" else " yuan"
            )
        except InvalidOperation:
            return str(value)
    if path.endswith("formula"):
        return formula_text(value, lang)
    if isinstance(value, dict) and set(value) == {"zh-hans", "en"}:
        return str(value[lang])
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        if all(isinstance(item, dict) and "title" in item for item in value):
            return "；".join(str(item["title"]) for item in value)
        if all(isinstance(item, dict) and set(item) == {"zh-hans", "en"} for item in value):
            return "；".join(str(item[lang]) for item in value)
        return f"{len(value)} 项" if lang == "zh-hans" else f"{len(value)} items"
    if isinstance(value, dict):
        parts = [
            f"{key}: {shown(f'{path}.{key}', item, lang)}"
            for key, item in value.items()
            if item not in (None, "", [], {})
        ]
        return "；".join(parts) or _NONE[lang]
    return str(value)


def label_of(path: str) -> str:
    field = field_for_path(path)
    if field is None:
        return path
    for name in (field, f"{field}_zh_hans"):
        try:
            return str(getattr(PolicyVersion._meta.get_field(name), "verbose_name", name))
        except FieldDoesNotExist:
            continue
    return path


def field_changes(
    before: dict[str, Any], after: dict[str, Any], lang: str | None = None
) -> list[dict[str, str]]:
    """Changed document fields other than the rule, by label, old → new."""
    lang = lang or language()
    found = []
    for path in dict.fromkeys([*before, *after]):
        if path == "rule":
            continue
        old, new = shown(path, before.get(path), lang), shown(path, after.get(path), lang)
        if old != new:
            found.append({"path": path, "label": label_of(path), "old": old, "new": new})
    return found
