"""A PolicyVersion → its canonical catalogue document (what dump_catalogue writes), and the
digest that tells whether a measure's documents changed.

The way back from documents.validate: from a version's stored fields to the file's form, with
defaults left out and mapping keys in the files' order.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from .documents import SOURCE_KEYS
from .models import PolicyVersion


def content_hash(doc: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(doc, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


def _default_window(version: PolicyVersion) -> str:
    """What a file may leave out: dated when it gives dates, else unknown."""
    return "dated" if version.apply_opens or version.apply_closes else "unknown"


def _jurisdiction_of(version: PolicyVersion) -> dict[str, Any] | None:
    name = _bilingual(version, "jurisdiction_name")
    if version.jurisdiction == "district" and name is None:
        return None  # the default: the district's own measure
    return {"level": version.jurisdiction, "name": name}


def _note_of(version: PolicyVersion, field: str) -> str | dict[str, str] | None:
    """A remark as a file writes it: one text when both languages say the same."""
    zh = getattr(version, f"{field}_zh_hans") or ""
    en = getattr(version, f"{field}_en") or ""
    if not zh and not en:
        return None
    return zh if zh == en else {"zh-hans": zh, "en": en}


def _bilingual(version: PolicyVersion, field: str) -> dict[str, str] | None:
    zh, en = getattr(version, f"{field}_zh_hans"), getattr(version, f"{field}_en")
    return {"zh-hans": zh, "en": en} if zh or en else None


def _yuan(value: Decimal | None) -> int | str | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else str(value)


_RULE_ORDER = (
    "fact", "op", "value", "all", "any", "not", "stated", "derived", "assumed", "source",
    "zh-hans", "en",
)  # fmt: skip
_FORMULA_ORDER = ("fact", "cases", "else", "when", "then", "add", "sub", "mul", "div", "min", "max")


def _ordered(data: Any, order: tuple[str, ...]) -> Any:
    """Data with mapping keys in canonical order (PostgreSQL's jsonb does not keep key order)."""
    if isinstance(data, list):
        return [_ordered(item, order) for item in data]
    if not isinstance(data, dict):
        return data
    keys = sorted(data, key=lambda k: order.index(k) if k in order else len(order))
    result = {}
    for key in keys:
        value = data[key]
        # A `when` inside a formula is a rule; a `value` is data, kept as it is.
        inner = _RULE_ORDER if key == "when" else order
        result[key] = value if key == "value" else _ordered(value, inner)
    return result


def to_document(version: PolicyVersion) -> dict[str, Any]:
    """The canonical document of a version (what dump_catalogue writes)."""
    # Notes {zh-hans, en} in the files' order: jsonb on PostgreSQL sorts keys its own way.
    assumptions = _ordered(version.assumptions or {}, ("zh-hans", "en"))
    status = {"draft": "draft", "retired": "retired"}.get(version.status, "published")
    return {
        "slug": version.policy.slug,
        "status": status,
        "category": version.policy.category,
        "subject": version.policy.subject,
        "jurisdiction": _jurisdiction_of(version),
        "name": _bilingual(version, "name"),
        "summary": _bilingual(version, "summary"),
        "issuer": _bilingual(version, "issuer"),
        "issuer_assumed": assumptions.get("issuer"),
        "rule": _ordered(version.rule, _RULE_ORDER),
        "benefit": {
            "kind": version.benefit_kind,
            "award": version.award,
            "award_assumed": assumptions.get("award"),
            "cap": _yuan(version.cap),
            "cap_scope": version.cap_scope,
            "cap_per": version.cap_per or None,
            "unit": version.unit,
            "formula": _ordered(version.formula, _FORMULA_ORDER),
            "amount_kind": version.amount_kind or None,
            "value_note": _bilingual(version, "value_note"),
            "estimated_value": _yuan(version.estimated_value),
            "amount_note": _bilingual(version, "amount_note"),
            "assumed": assumptions.get("benefit"),
        },
        "valid_from": version.valid_from,
        "valid_to": version.valid_to,
        "apply_opens": version.apply_opens,
        "apply_closes": version.apply_closes,
        "apply_window": None
        if version.apply_window == _default_window(version)
        else version.apply_window,
        "documents": _ordered(version.documents, ("zh-hans", "en")) or None,
        "dates_note": _note_of(version, "dates_note"),
        "dates_assumed": assumptions.get("dates"),
        "exclusive_group": version.exclusive_group or None,
        "application": {
            "channel": _bilingual(version, "application_channel"),
            "url": version.application_url or None,
            "assumed": assumptions.get("application"),
        },
        "sources": _ordered(version.sources, SOURCE_KEYS),
        "confidence": {
            "level": version.confidence,
            "note": _note_of(version, "confidence_note"),
        },
        "manual_checks": _ordered(version.manual_checks, ("zh-hans", "en")),
        "notes": _note_of(version, "notes"),
    }
