"""Readers of one value in a catalogue document: each checks its shape and raises a RuleError
naming the value's path, so that an author sees which line of the file to fix.

Used by the document validator (documents.py), which is left with the rules of the format as a
whole: which keys a document has, and how its parts must agree.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from policy_match.rules import RuleError, Text


def located_error(path: str, zh: str, en: str) -> RuleError:
    return RuleError(path, Text(zh, en))


def text_value(doc: dict[str, Any], key: str, path: str, required: bool = False) -> Text | None:
    value = doc.get(key)
    if value is None and not required:
        return None
    if (
        not isinstance(value, dict)
        or set(value) != {"zh-hans", "en"}
        or not all(isinstance(v, str) and v.strip() for v in value.values())
    ):
        raise located_error(
            path,
            "应为 {zh-hans: …, en: …}，两种语言都要填写",
            "expected {zh-hans: …, en: …} with both languages filled in",
        )
    return Text.from_dict(value)


def choice_value(value: Any, choices: list[str], path: str) -> str:
    if value not in choices:
        raise located_error(
            path, f"应为以下之一：{', '.join(choices)}", f"expected one of: {', '.join(choices)}"
        )
    return str(value)


def note_value(doc: dict[str, Any], key: str, path: str) -> str | dict[str, str] | None:
    """A remark: one text, or {zh-hans, en} where the two languages differ."""
    value = doc.get(key)
    if value is None or (isinstance(value, str) and value):
        return value
    if (
        isinstance(value, dict)
        and set(value) == {"zh-hans", "en"}
        and all(isinstance(v, str) and v.strip() for v in value.values())
    ):
        return value
    raise located_error(
        path, "应为文字或 {zh-hans: …, en: …}", "expected a text or {zh-hans: …, en: …}"
    )


def note_columns(field: str, note: str | dict[str, str] | None) -> dict[str, str]:
    if isinstance(note, dict):
        return {f"{field}_zh_hans": note["zh-hans"], f"{field}_en": note["en"]}
    return {f"{field}_zh_hans": note or "", f"{field}_en": note or ""}


def optional_str(doc: dict[str, Any], key: str, path: str) -> str:
    value = doc.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise located_error(path, "应为文字", "expected a text")
    return value


def date_value(doc: dict[str, Any], key: str) -> date | None:
    value = doc.get(key)
    # YAML reads `2025-03-26 09:00` as a datetime: a date with a time is no date here (it could
    # not even be compared with the other dates).
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise located_error(key, "应为日期（YYYY-MM-DD）", "expected a date (YYYY-MM-DD)")


def money_value(value: Any, path: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise located_error(path, "应为以元计的整数或 null", "expected whole yuan or null")
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        raise located_error(path, "应为数字", "expected a number") from None
    if not amount.is_finite() or amount < 0:
        raise located_error(path, "应为非负数", "expected a non-negative number")
    return amount
