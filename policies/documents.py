"""Catalogue documents (one YAML file per measure) ↔ PolicyVersion fields, with validation.

The document format is docs/catalogue-format.md. Validation uses the rule engine, so a document
that passes here can always be compiled and matched. The readers of single values are in
document_values.py; the way back, a version → its document, is document_canonical.py.
"""

from __future__ import annotations

from typing import Any

from policy_match.rules import (
    FACTS,
    Subject,
    formula_facts,
    parse,
    parse_formula,
)

from .document_values import (
    choice_value,
    date_value,
    located_error,
    money_value,
    note_columns,
    note_value,
    optional_str,
    text_value,
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


def _rule_facts_fit(rule: Any, subject: Subject, path: str) -> None:
    allowed = {Subject.ENTERPRISE, subject}
    for cond in rule.conditions:
        if cond.fact.subject not in allowed:
            raise located_error(
                f"{cond.path}.fact",
                f"“{cond.fact.name}”是{cond.fact.subject.value}的事实，不适用于本政策对象",
                f"'{cond.fact.name}' is a {cond.fact.subject.value} fact; this measure's "
                f"subject is {subject.value}",
            )


def validate(doc: Any) -> dict[str, Any]:
    """Check one document; returns PolicyVersion field values, or raises RuleError (path)."""
    if not isinstance(doc, dict):
        raise located_error("", "文件内容应为一个映射", "the file must hold one mapping")
    for key in doc:
        if key not in KEYS:
            raise located_error(str(key), f"未知的键“{key}”", f"unknown key '{key}'")
    for key in REQUIRED:
        if key not in doc:
            raise located_error(key, "缺少此项", "this key is required")
    slug = doc["slug"]
    if not isinstance(slug, str) or not slug or not all(c.isalnum() or c == "-" for c in slug):
        raise located_error(
            "slug", "应为小写字母、数字和连字符", "expected lower-case letters, digits, hyphens"
        )
    # retired: the measure no longer applies (the file says why in notes); it is kept, so
    # that its history and stored matches stay explained.
    status = choice_value(
        doc.get("status", "published"), ["published", "draft", "retired"], "status"
    )
    subject = Subject(choice_value(doc["subject"], list(SubjectChoices), "subject"))
    rule = parse(doc["rule"], "rule")
    _rule_facts_fit(rule, subject, "rule")
    fields: dict[str, Any] = {
        "slug": slug,
        "status": status,
        "category": choice_value(doc["category"], list(Category.values), "category"),
        "subject": subject.value,
        "rule": doc["rule"],
    }
    fields.update(_jurisdiction(doc.get("jurisdiction")))
    for key in TRANSLATED:
        text = text_value(doc, key, key, required=key == "name")
        fields[f"{key}_zh_hans"] = text.zh if text else ""
        fields[f"{key}_en"] = text.en if text else ""
    fields.update(_benefit(doc["benefit"], subject))
    benefit_assumed = fields.pop("benefit_assumed")
    award_assumed = fields.pop("award_assumed")
    for key in ("valid_from", "valid_to", "apply_opens", "apply_closes"):
        fields[key] = date_value(doc, key)
    if fields["valid_from"] and fields["valid_to"] and fields["valid_from"] > fields["valid_to"]:
        raise located_error("valid_to", "截止日期早于生效日期", "valid_to is before valid_from")
    if (
        fields["apply_opens"]
        and fields["apply_closes"]
        and fields["apply_opens"] > fields["apply_closes"]
    ):
        raise located_error(
            "apply_closes", "申报截止早于申报开始", "apply_closes is before apply_opens"
        )
    dated = fields["apply_opens"] or fields["apply_closes"]
    window = doc.get("apply_window") or ("dated" if dated else "unknown")
    fields["apply_window"] = choice_value(window, list(ApplyWindow.values), "apply_window")
    if dated and fields["apply_window"] != "dated":
        raise located_error(
            "apply_window", "有申报日期时应为 dated", "with apply dates it is dated"
        )
    documents = doc.get("documents") or []
    if not isinstance(documents, list):
        raise located_error("documents", "应为列表", "expected a list")
    fields["documents"] = [
        text_value({"x": item}, "x", f"documents[{i}]", required=True).as_dict()  # type: ignore[union-attr]
        for i, item in enumerate(documents)
    ]
    fields.update(note_columns("dates_note", note_value(doc, "dates_note", "dates_note")))
    fields["exclusive_group"] = optional_str(doc, "exclusive_group", "exclusive_group")
    fields.update(note_columns("notes", note_value(doc, "notes", "notes")))
    assumptions = {"benefit": benefit_assumed} if benefit_assumed else {}
    if award_assumed:
        assumptions["award"] = award_assumed
    for key, name in (("issuer_assumed", "issuer"), ("dates_assumed", "dates")):
        note = note_value(doc, key, key)
        if note:
            assumptions[name] = note
    fields.update(_application(doc.get("application"), assumptions))
    fields["sources"] = _sources(doc.get("sources"))
    confidence = doc.get("confidence") or {"level": "stated", "note": None}
    if not isinstance(confidence, dict) or set(confidence) - {"level", "note"}:
        raise located_error("confidence", "应为 {level, note}", "expected {level, note}")
    fields["confidence"] = choice_value(
        confidence.get("level"), list(Confidence.values), "confidence.level"
    )
    fields.update(
        note_columns("confidence_note", note_value(confidence, "note", "confidence.note"))
    )
    weakest = computed_confidence(rule, assumptions)
    if RANK[fields["confidence"]] > RANK[weakest]:
        raise located_error(
            "confidence.level",
            f"标注为 {fields['confidence']}，但条件、金额或日期中最弱的依据是 {weakest}",
            f"claims {fields['confidence']}, but the weakest basis of its conditions, amount "
            f"or dates is {weakest}",
        )
    checks = doc.get("manual_checks") or []
    if not isinstance(checks, list):
        raise located_error("manual_checks", "应为列表", "expected a list")
    fields["manual_checks"] = [
        text_value({"x": item}, "x", f"manual_checks[{i}]", required=True).as_dict()  # type: ignore[union-attr]
        for i, item in enumerate(checks)
    ]
    fields["assumptions"] = assumptions
    return fields


SubjectChoices = [s.value for s in Subject]


def _benefit(raw: Any, subject: Subject) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise located_error("benefit", "应为映射", "expected a mapping")
    for key in raw:
        if key not in BENEFIT_KEYS:
            raise located_error(f"benefit.{key}", f"未知的键“{key}”", f"unknown key '{key}'")
    cap_per = optional_str(raw, "cap_per", "benefit.cap_per")
    if cap_per and (cap_per not in FACTS or FACTS[cap_per].subject != subject):
        raise located_error(
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
            raise located_error(
                "benefit.formula",
                f"“{name}”是{owner.value}的事实，不适用于本政策对象",
                f"'{name}' is a {owner.value} fact; this measure's subject is {subject.value}",
            )
    fields: dict[str, Any] = {
        "benefit_kind": choice_value(raw.get("kind"), list(BenefitKind.values), "benefit.kind"),
        # Not stated: counted as competitive, never as money the enterprise is owed.
        "award": choice_value(raw.get("award", "competitive"), list(Award.values), "benefit.award"),
        "amount_kind": choice_value(
            raw.get("amount_kind") or "", ["", *AmountKind.values], "benefit.amount_kind"
        ),
        "cap": money_value(raw.get("cap"), "benefit.cap"),
        "cap_scope": choice_value(
            raw.get("cap_scope", "subject"), list(CapScope.values), "benefit.cap_scope"
        ),
        "cap_per": cap_per,
        "unit": choice_value(raw.get("unit"), list(BenefitUnit.values), "benefit.unit"),
        "formula": raw.get("formula"),
        "estimated_value": money_value(raw.get("estimated_value"), "benefit.estimated_value"),
    }
    for key in ("value_note", "amount_note"):
        text = text_value(raw, key, f"benefit.{key}")
        fields[f"{key}_zh_hans"] = text.zh if text else ""
        fields[f"{key}_en"] = text.en if text else ""
    fields["benefit_assumed"] = note_value(raw, "assumed", "benefit.assumed")
    fields["award_assumed"] = note_value(raw, "award_assumed", "benefit.award_assumed")
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
        raise located_error("jurisdiction", "应为 {level, name}", "expected {level, name}")
    name = text_value(raw, "name", "jurisdiction.name")
    return {
        "jurisdiction": choice_value(
            raw.get("level"), list(Jurisdiction.values), "jurisdiction.level"
        ),
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
        raise located_error(
            "application", "应为 {channel, url, assumed}", "expected {channel, url, assumed}"
        )
    channel = text_value(raw, "channel", "application.channel")
    url = optional_str(raw, "url", "application.url")
    if url and not url.startswith(("http://", "https://")):
        raise located_error("application.url", "应为 http(s) 网址", "expected an http(s) address")
    note = note_value(raw, "assumed", "application.assumed")
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
        raise located_error("sources", "应为列表", "expected a list")
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or set(item) - set(SOURCE_KEYS) or "title" not in item:
            raise located_error(
                f"sources[{i}]",
                "应为 {ref, title, url, date, quote}",
                "expected {ref, title, url, date, quote}",
            )
        for key, value in item.items():
            if value is not None and not isinstance(value, str):
                raise located_error(f"sources[{i}].{key}", "应为文字", "expected a text")
    return raw
