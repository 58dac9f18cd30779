"""Validation of a request's profile and of a /match/ body.

Each fact must come in exactly the JSON form the schema gives it (serializers.facts), and
then goes through `Profile.from_data`, the same bilingual, path-naming validator the pages and
commands use; errors are keyed by field path.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, cast

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from policy_match.profile import Profile, ProfileError
from policy_match.rules import FACTS, Fact, Kind, Subject, Text
from policy_match.rules.parse import ISO_DATE

from .facts import (
    INT_MAX,
    EnterpriseFactsInputSerializer,
    LoanInputSerializer,
    PersonInputSerializer,
    fact_column,
    fact_schema,
)


def _wire_text(zh: str, en: str) -> Text:
    return Text(zh, en)


_NOT_EMPTY = _wire_text(
    "未知的值请填 null 或省略此项，不要填空字符串",
    'for an unknown value send null or leave the fact out, not ""',
)
# What a request must send for each kind (the schema's own forms: nothing else is read).
_WIRE_FORMS: dict[Kind, Text] = {
    Kind.BOOL: _wire_text("应为 true 或 false", "expected true or false"),
    Kind.INT: _wire_text(
        "应为整数（JSON 数字，如 8）", "expected an integer (a JSON number, e.g. 8)"
    ),
    Kind.DECIMAL: _wire_text(
        '应为以字符串表示的金额（元）：最多 14 位整数、2 位小数，如 "30000.00"',
        'expected an amount in yuan as a string, at most 14 digits and 2 decimals, e.g. "30000.00"',
    ),
    Kind.RATIO: _wire_text(
        '应为以字符串表示的小数：最多 5 位整数、6 位小数，如 "0.2"',
        'expected a decimal as a string, at most 5 digits and 6 decimals, e.g. "0.2"',
    ),
    Kind.DATE: _wire_text("应为日期字符串（YYYY-MM-DD）", "expected a date string (YYYY-MM-DD)"),
    Kind.CODE: _wire_text("应为代码（字符串）", "expected a code (a string)"),
    Kind.CODES: _wire_text("应为代码列表", "expected a list of codes"),
}
_RATE_FORM = _wire_text(
    '年利率应为 0 到 1 之间、以字符串表示的小数，如 "0.035"（表示 3.5%）',
    'expected a rate between 0 and 1 as a string, e.g. "0.035" (3.5%)',
)


_TOO_LARGE = _wire_text("数值过大", "number too large")
_DECIMAL = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?", re.ASCII)


def _decimal_problem(fact: Fact, raw: str) -> Text | None:
    """What is wrong with a well-formed decimal string outside its field's form, if that is
    all: a negative amount, too many digits or decimals."""
    found = _DECIMAL.fullmatch(raw)
    if found is None:
        return None
    sign, whole, fraction = found.groups()
    column = fact_column(fact)
    if sign and fact.kind is Kind.DECIMAL:
        return _wire_text("金额不能为负数", "an amount cannot be negative")
    if len(whole.lstrip("0")) > (14 if fact.kind is Kind.DECIMAL else 5):
        return _TOO_LARGE
    if fraction and len(fraction) > column.decimal_places:
        places = column.decimal_places
        return _wire_text(f"最多保留 {places} 位小数", f"at most {places} decimals")
    return None


def _wire_pattern(fact: Fact) -> re.Pattern[str] | None:
    pattern = fact_schema(fact).get("pattern")
    # ASCII: in JSON Schema (ECMA-262) \d is 0-9, in Python it is any decimal digit.
    return re.compile(pattern, re.ASCII) if pattern else None


_PATTERNS = {
    fact.name: _wire_pattern(fact)
    for fact in FACTS.values()
    if not fact.derived and fact.kind in (Kind.DECIMAL, Kind.RATIO)
}


def _wire_problem(fact: Fact, raw: Any) -> Text | None:
    """How `raw` differs from what the schema says a request sends for `fact`: exactly its
    JSON type and form (money and ratios as decimal strings, dates as YYYY-MM-DD, null for
    unknown), and within what its column holds. The pages and the command are more lenient
    (people type "3,000,000"); their answers go through Profile.from_data only."""
    if raw is None:
        return None
    if raw == "":
        return _NOT_EMPTY
    kind = fact.kind
    if kind is Kind.BOOL:
        ok = isinstance(raw, bool)
    elif kind is Kind.INT:
        ok = isinstance(raw, int) and not isinstance(raw, bool)
        if ok and abs(raw) > INT_MAX:
            return _TOO_LARGE
    elif kind in (Kind.DECIMAL, Kind.RATIO):
        pattern = _PATTERNS[fact.name]
        ok = isinstance(raw, str) and pattern is not None and pattern.fullmatch(raw) is not None
        if not ok and fact.name == "rate":
            return _RATE_FORM
        if not ok and isinstance(raw, str):
            return _decimal_problem(fact, raw) or _WIRE_FORMS[kind]
    elif kind is Kind.DATE:
        ok = isinstance(raw, str) and ISO_DATE.fullmatch(raw) is not None
    elif kind is Kind.CODES:
        ok = isinstance(raw, list)
    else:
        ok = isinstance(raw, str) and len(raw) <= 40
        if ok is False and isinstance(raw, str):
            return _wire_text("内容过长", "too long")
    return None if ok else _WIRE_FORMS[kind]


def _checked(raw: Any, subject: Subject, path: str, errors: dict[str, str], language: str) -> Any:
    if not isinstance(raw, dict):
        return raw
    cleaned = dict(raw)
    ref = raw.get("ref")
    if "ref" in raw and (not isinstance(ref, str) or not ref):  # absent: p1, p2 …
        errors[f"{path}.ref"] = _("编号应为非空文字；不填请省略此项")
        cleaned.pop("ref")
    elif isinstance(ref, str) and "\x00" in ref:  # PostgreSQL refuses NUL
        errors[f"{path}.ref"] = _("不能包含空字符（NUL）")
        cleaned.pop("ref")
    for name, value in raw.items():
        fact = FACTS.get(name)
        if fact is None or fact.subject is not subject or (fact.derived and not fact.accepts_input):
            continue
        problem = _wire_problem(fact, value)
        if problem:
            errors[f"{path}.{name}"] = problem.get(language)
            cleaned[name] = None
    return cleaned


def validate_profile(
    data: Any, *, language: str, as_of: date, for_storage: bool = False
) -> Profile:
    """A profile from a request body ({enterprise, people, loans}), or ValidationError keyed
    by field path. Values a stored enterprise could not hold are rejected here too, so that a
    profile /match/ accepts can also be saved; so are dates that cannot be true on `as_of`
    (a registration after it)."""
    if not isinstance(data, dict):
        raise serializers.ValidationError({"": _("应为 JSON 对象")})
    errors: dict[str, str] = {}
    cleaned = dict(data)
    if "enterprise" in data:
        cleaned["enterprise"] = _checked(
            data["enterprise"], Subject.ENTERPRISE, "enterprise", errors, language
        )
    limit: int = settings.API_MAX_SUBJECTS
    for key, subject in (("people", Subject.PERSON), ("loans", Subject.LOAN)):
        items = data.get(key)
        if isinstance(items, list) and len(items) > limit:
            errors[key] = _("最多 %(limit)s 项") % {"limit": limit}
            cleaned[key] = None
        elif isinstance(items, list):
            cleaned[key] = [
                _checked(v, subject, f"{key}[{i}]", errors, language) for i, v in enumerate(items)
            ]
    try:
        profile = Profile.from_data(cleaned, for_storage=for_storage)
    except ProfileError as exc:
        errors = {**exc.messages(language), **errors}
    else:
        errors = {**profile.date_problems(as_of, language), **errors}
    if errors:
        raise serializers.ValidationError(errors)
    return profile


class MatchInputSerializer(serializers.Serializer):
    """A profile to evaluate (design §7): nothing is stored."""

    as_of = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Evaluation date, YYYY-MM-DD (absent or null: today in Asia/Shanghai) · 评估日期",
    )
    enterprise = EnterpriseFactsInputSerializer(required=False)
    people = PersonInputSerializer(many=True, required=False, max_length=settings.API_MAX_SUBJECTS)
    loans = LoanInputSerializer(many=True, required=False, max_length=settings.API_MAX_SUBJECTS)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        as_of, profile = validate_match_input(data, language=self.context["language"])
        return {"as_of": as_of, "profile": profile}


def validate_match_input(data: Any, *, language: str) -> tuple[date | None, Profile]:
    """The evaluation date (None: today) and profile of a /match/ body, or ValidationError
    keyed by field path. For a JSON object this is all MatchInputSerializer.is_valid does, so
    the view calls it directly rather than build the serializer's fields (0.2 ms a request)."""
    errors: dict[str, str] = {}
    as_of = None
    if isinstance(data, dict) and data.get("as_of") is not None:
        as_of = parse_iso_date(data["as_of"])
        if as_of is None:
            errors["as_of"] = _("应为日期（YYYY-MM-DD）")
    try:
        profile = validate_profile(data, language=language, as_of=as_of or timezone.localdate())
    except serializers.ValidationError as exc:
        errors = {**cast(dict[str, str], exc.detail), **errors}
    if errors:
        raise serializers.ValidationError(errors)
    return as_of, profile


def parse_iso_date(raw: Any) -> date | None:
    """A date sent as a YYYY-MM-DD string, else None (a number, 20260101, 2026-W01-1 …)."""
    if not isinstance(raw, str) or not ISO_DATE.fullmatch(raw):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None
