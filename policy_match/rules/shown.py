"""How a fact's value, and what a condition asks of it, read in either language: labels for
codes, yuan with separators, percents, units."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from .facts import Fact, Kind
from .text import Text, normalize_language

_YES_NO = {True: Text("是", "yes"), False: Text("否", "no")}


def format_value(fact: Fact, value: Any, language: str) -> str:
    """A fact's value as a person reads it: labels for codes, yuan with separators, percents."""
    zh = normalize_language(language) == "zh-hans"
    if value is None:
        return "未知" if zh else "unknown"
    if isinstance(value, frozenset | set | list | tuple) and fact.kind is not Kind.CODES:
        parts = [format_value(fact, v, language) for v in _sorted(value)]
        joiner = "至" if zh else " and "
        if isinstance(value, tuple):  # between
            return joiner.join(parts)
        return "、".join(parts) if zh else ", ".join(parts)
    if fact.kind is Kind.BOOL:
        return _YES_NO[bool(value)].get(language)
    if fact.kind in (Kind.CODE, Kind.CODES):
        codes = value if isinstance(value, list | tuple | frozenset) else [value]
        labels = [(fact.choice_label(c) or Text(c, c)).get(language) for c in codes]
        return "、".join(labels) if zh else ", ".join(labels)
    if fact.kind is Kind.RATIO:
        percent = (Decimal(value) * 100).normalize()
        return f"{percent:f}%"
    if fact.kind is Kind.DECIMAL:
        number = f"{Decimal(value):,.2f}".removesuffix(".00")
    elif isinstance(value, date):
        return value.isoformat()
    else:
        number = str(value)
    if fact.unit is None:
        return number
    unit = fact.unit.get(language)
    if not zh and number == "1":
        unit = _SINGULAR.get(unit, unit)  # 1 year, 1 person
    return f"{number} {unit}"


_SINGULAR = {"years": "year", "persons": "person", "items": "item"}


def _sorted(values: Any) -> list[Any]:
    try:
        return sorted(values)
    except TypeError:
        return list(values)


_REQUIRED: dict[str, Text] = {
    "eq": Text("为", "must be"),
    "ne": Text("不为", "must not be"),
    "lt": Text("少于", "must be less than"),
    "lte": Text("不超过", "must be at most"),
    "gt": Text("大于", "must be more than"),
    "gte": Text("不少于", "must be at least"),
    "in": Text("属于", "must be one of"),
    "not_in": Text("不属于", "must be none of"),
    "between": Text("介于", "must be between"),
    "contains": Text("包含", "must include"),
    "not_between": Text("不介于", "must not be between"),
    "not_contains": Text("不包含", "must not include"),
}


def requirement(fact: Fact, op: str, value: Any, language: str) -> str:
    """What a condition asks, e.g. "不少于 4%" / "must be at least 4%"."""
    return f"{_REQUIRED[op].get(language)} {format_value(fact, value, language)}"
