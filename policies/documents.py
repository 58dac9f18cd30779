"""Catalogue documents (one YAML file per measure) ↔ PolicyVersion fields, with validation.

The document format is docs/catalogue-format.md. Validation uses the rule engine, so a document
that passes here can always be compiled and matched.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from policy_match.rules import (
    FACTS,
    RuleError,
    Subject,
    Text,
    formula_facts,
    parse,
    parse_formula,
)

from .models import (
    AmountKind,
    ApplyWindow,
    Award,
    BenefitKind,
    BenefitUnit,
    CapScope,
    Category,
    Confidence,
    Jurisdiction,
    PolicyVersion,
)
from .provenance import RANK, computed_confidence

KEYS = (
    "slug", "status", "category", "subject", "jurisdiction", "name", "summary", "issuer",
    "issuer_assumed",
    "rule", "benefit", "valid_from", "valid_to", "apply_opens", "apply_closes", "apply_window",
    "documents", "dates_note",
    "dates_assumed", "exclusive_group", "application", "sources", "confidence",
    "manual_checks", "notes",
)  # fmt: skip
BENEFIT_KEYS = (
    "kind", "award", "award_assumed", "cap", "cap_scope", "cap_per", "unit", "formula",
    "amount_kind", "value_note", "estimated_value", "amount_note", "assumed",
)  # fmt: skip
SOURCE_KEYS = ("ref", "title", "url", "date", "quote")
TRANSLATED = ("name", "summary", "issuer")
REQUIRED = ("slug", "category", "subject", "name", "rule", "benefit")


def _err(path: str, zh: str, en: str) -> RuleError:
    return RuleError(path, Text(zh, en))


def _text(doc: dict[str, Any], key: str, path: str, required: bool = False) -> Text | None:
    value = doc.get(key)
    if value is None and not required:
        return None
    if (
        not isinstance(value, dict)
        or set(value) != {"zh-hans", "en"}
        or not all(isinstance(v, str) and v.strip() for v in value.values())
    ):
        raise _err(
            path,
            "应为 {zh-hans: …, en: …}，两种语言都要填写",
            "expected {zh-hans: …, en: …} with both languages filled in",
        )
    return Text.from_dict(value)


def _choice(value: Any, choices: list[str], path: str) -> str:
    if value not in choices:
        raise _err(
            path, f"应为以下之一：{', '.join(choices)}", f"expected one of: {', '.join(choices)}"
        )
    return str(value)


def _note(doc: dict[str, Any], key: str, path: str) -> str | dict[str, str] | None:
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
    raise _err(path, "应为文字或 {zh-hans: …, en: …}", "expected a text or {zh-hans: …, en: …}")


def _note_columns(field: str, note: str | dict[str, str] | None) -> dict[str, str]:
    if isinstance(note, dict):
        return {f"{field}_zh_hans": note["zh-hans"], f"{field}_en": note["en"]}
    return {f"{field}_zh_hans": note or "", f"{field}_en": note or ""}


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


def _optional_str(doc: dict[str, Any], key: str, path: str) -> str:
    value = doc.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _err(path, "应为文字", "expected a text")
    return value


def _date(doc: dict[str, Any], key: str) -> date | None:
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
    raise _err(key, "应为日期（YYYY-MM-DD）", "expected a date (YYYY-MM-DD)")


def _money(value: Any, path: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise _err(path, "应为以元计的整数或 null", "expected whole yuan or null")
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        raise _err(path, "应为数字", "expected a number") from None
    if not amount.is_finite() or amount < 0:
        raise _err(path, "应为非负数", "expected a non-negative number")
    return amount


def _rule_facts_fit(rule: Any, subject: Subject, path: str) -> None:
    allowed = {Subject.ENTERPRISE, subject}
    for cond in rule.conditions:
        if cond.fact.subject not in allowed:
            raise _err(
                f"{cond.path}.fact",
                f"“{cond.fact.name}”是{cond.fact.subject.value}的事实，不适用于本政策对象",
                f"'{cond.fact.name}' is a {cond.fact.subject.value} fact; this measure's "
                f"subject is {subject.value}",
            )


def validate(doc: Any) -> dict[str, Any]:
    """Check one document; returns PolicyVersion field values, or raises RuleError (path)."""
    if not isinstance(doc, dict):
        raise _err("", "文件内容应为一个映射", "the file must hold one mapping")
    for key in doc:
        if key not in KEYS:
            raise _err(str(key), f"未知的键“{key}”", f"unknown key '{key}'")
    for key in REQUIRED:
        if key not in doc:
            raise _err(key, "缺少此项", "this key is required")
    slug = doc["slug"]
    if not isinstance(slug, str) or not slug or not all(c.isalnum() or c == "-" for c in slug):
        raise _err(
            "slug", "应为小写字母、数字和连字符", "expected lower-case letters, digits, hyphens"
        )
    # retired: the measure no longer applies (the file says why in notes); it is kept, so
    # that its history and stored matches stay explained.
    status = _choice(doc.get("status", "published"), ["published", "draft", "retired"], "status")
    subject = Subject(_choice(doc["subject"], list(SubjectChoices), "subject"))
    rule = parse(doc["rule"], "rule")
    _rule_facts_fit(rule, subject, "rule")
    fields: dict[str, Any] = {
        "slug": slug,
        "status": status,
        "category": _choice(doc["category"], list(Category.values), "category"),
        "subject": subject.value,
        "rule": doc["rule"],
    }
    fields.update(_jurisdiction(doc.get("jurisdiction")))
    for key in TRANSLATED:
        text = _text(doc, key, key, required=key == "name")
        fields[f"{key}_zh_hans"] = text.zh if text else ""
        fields[f"{key}_en"] = text.en if text else ""
    fields.update(_benefit(doc["benefit"], subject))
    benefit_assumed = fields.pop("benefit_assumed")
    award_assumed = fields.pop("award_assumed")
    for key in ("valid_from", "valid_to", "apply_opens", "apply_closes"):
        fields[key] = _date(doc, key)
    if fields["valid_from"] and fields["valid_to"] and fields["valid_from"] > fields["valid_to"]:
        raise _err("valid_to", "截止日期早于生效日期", "valid_to is before valid_from")
    if (
        fields["apply_opens"]
        and fields["apply_closes"]
        and fields["apply_opens"] > fields["apply_closes"]
    ):
        raise _err("apply_closes", "申报截止早于申报开始", "apply_closes is before apply_opens")
    dated = fields["apply_opens"] or fields["apply_closes"]
    window = doc.get("apply_window") or ("dated" if dated else "unknown")
    fields["apply_window"] = _choice(window, list(ApplyWindow.values), "apply_window")
    if dated and fields["apply_window"] != "dated":
        raise _err("apply_window", "有申报日期时应为 dated", "with apply dates it is dated")
    documents = doc.get("documents") or []
    if not isinstance(documents, list):
        raise _err("documents", "应为列表", "expected a list")
    fields["documents"] = [
        _text({"x": item}, "x", f"documents[{i}]", required=True).as_dict()  # type: ignore[union-attr]
        for i, item in enumerate(documents)
    ]
    fields.update(_note_columns("dates_note", _note(doc, "dates_note", "dates_note")))
    fields["exclusive_group"] = _optional_str(doc, "exclusive_group", "exclusive_group")
    fields.update(_note_columns("notes", _note(doc, "notes", "notes")))
    assumptions = {"benefit": benefit_assumed} if benefit_assumed else {}
    if award_assumed:
        assumptions["award"] = award_assumed
    for key, name in (("issuer_assumed", "issuer"), ("dates_assumed", "dates")):
        note = _note(doc, key, key)
        if note:
            assumptions[name] = note
    fields.update(_application(doc.get("application"), assumptions))
    fields["sources"] = _sources(doc.get("sources"))
    confidence = doc.get("confidence") or {"level": "stated", "note": None}
    if not isinstance(confidence, dict) or set(confidence) - {"level", "note"}:
        raise _err("confidence", "应为 {level, note}", "expected {level, note}")
    fields["confidence"] = _choice(
        confidence.get("level"), list(Confidence.values), "confidence.level"
    )
    fields.update(_note_columns("confidence_note", _note(confidence, "note", "confidence.note")))
    weakest = computed_confidence(rule, assumptions)
    if RANK[fields["confidence"]] > RANK[weakest]:
        raise _err(
            "confidence.level",
            f"标注为 {fields['confidence']}，但条件、金额或日期中最弱的依据是 {weakest}",
            f"claims {fields['confidence']}, but the weakest basis of its conditions, amount "
            f"or dates is {weakest}",
        )
    checks = doc.get("manual_checks") or []
    if not isinstance(checks, list):
        raise _err("manual_checks", "应为列表", "expected a list")
    fields["manual_checks"] = [
        _text({"x": item}, "x", f"manual_checks[{i}]", required=True).as_dict()  # type: ignore[union-attr]
        for i, item in enumerate(checks)
    ]
    fields["assumptions"] = assumptions
    return fields


SubjectChoices = [s.value for s in Subject]


def _benefit(raw: Any, subject: Subject) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _err("benefit", "应为映射", "expected a mapping")
    for key in raw:
        if key not in BENEFIT_KEYS:
            raise _err(f"benefit.{key}", f"未知的键“{key}”", f"unknown key '{key}'")
    cap_per = _optional_str(raw, "cap_per", "benefit.cap_per")
    if cap_per and (cap_per not in FACTS or FACTS[cap_per].subject != subject):
        raise _err(
            "benefit.cap_per",
            "应为本政策对象的一个事实",
            "expected a fact of this measure's subject",
        )
    formula = parse_formula(raw.get("formula"), "benefit.formula")
    # As for the rule: a formula reading another subject's facts cannot be matched (its SQL
    # would name columns the subject's table does not have).
    for name in sorted(formula_facts(formula)):
        owner = FACTS[name].subject
        if owner not in (Subject.ENTERPRISE, subject):
            raise _err(
                "benefit.formula",
                f"“{name}”是{owner.value}的事实，不适用于本政策对象",
                f"'{name}' is a {owner.value} fact; this measure's subject is {subject.value}",
            )
    fields: dict[str, Any] = {
        "benefit_kind": _choice(raw.get("kind"), list(BenefitKind.values), "benefit.kind"),
        # Not stated: counted as competitive, never as money the enterprise is owed.
        "award": _choice(raw.get("award", "competitive"), list(Award.values), "benefit.award"),
        "amount_kind": _choice(
            raw.get("amount_kind") or "", ["", *AmountKind.values], "benefit.amount_kind"
        ),
        "cap": _money(raw.get("cap"), "benefit.cap"),
        "cap_scope": _choice(
            raw.get("cap_scope", "subject"), list(CapScope.values), "benefit.cap_scope"
        ),
        "cap_per": cap_per,
        "unit": _choice(raw.get("unit"), list(BenefitUnit.values), "benefit.unit"),
        "formula": raw.get("formula"),
        "estimated_value": _money(raw.get("estimated_value"), "benefit.estimated_value"),
    }
    for key in ("value_note", "amount_note"):
        text = _text(raw, key, f"benefit.{key}")
        fields[f"{key}_zh_hans"] = text.zh if text else ""
        fields[f"{key}_en"] = text.en if text else ""
    fields["benefit_assumed"] = _note(raw, "assumed", "benefit.assumed")
    fields["award_assumed"] = _note(raw, "award_assumed", "benefit.award_assumed")
    return fields


def _jurisdiction(raw: Any) -> dict[str, Any]:
    """{level: district | city | province | national, name: {zh-hans, en}}; absent: Nanshan."""
    if raw is None:
        return {
            "jurisdiction": "district",
            "jurisdiction_name_zh_hans": "",
            "jurisdiction_name_en": "",
        }
    if not isinstance(raw, dict) or set(raw) - {"level", "name"}:
        raise _err("jurisdiction", "应为 {level, name}", "expected {level, name}")
    name = _text(raw, "name", "jurisdiction.name")
    return {
        "jurisdiction": _choice(raw.get("level"), list(Jurisdiction.values), "jurisdiction.level"),
        "jurisdiction_name_zh_hans": name.zh if name else "",
        "jurisdiction_name_en": name.en if name else "",
    }


def _application(raw: Any, assumptions: dict[str, Any]) -> dict[str, Any]:
    if raw is None:
        return {
            "application_channel_zh_hans": "",
            "application_channel_en": "",
            "application_url": "",
        }
    if not isinstance(raw, dict) or set(raw) - {"channel", "url", "assumed"}:
        raise _err(
            "application", "应为 {channel, url, assumed}", "expected {channel, url, assumed}"
        )
    channel = _text(raw, "channel", "application.channel")
    url = _optional_str(raw, "url", "application.url")
    if url and not url.startswith(("http://", "https://")):
        raise _err("application.url", "应为 http(s) 网址", "expected an http(s) address")
    note = _note(raw, "assumed", "application.assumed")
    if note:
        assumptions["application"] = note
    return {
        "application_channel_zh_hans": channel.zh if channel else "",
        "application_channel_en": channel.en if channel else "",
        "application_url": url,
    }


def _sources(raw: Any) -> list[dict[str, Any]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise _err("sources", "应为列表", "expected a list")
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or set(item) - set(SOURCE_KEYS) or "title" not in item:
            raise _err(
                f"sources[{i}]",
                "应为 {ref, title, url, date, quote}",
                "expected {ref, title, url, date, quote}",
            )
        for key, value in item.items():
            if value is not None and not isinstance(value, str):
                raise _err(f"sources[{i}].{key}", "应为文字", "expected a text")
    return raw


def content_hash(doc: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(doc, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


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
