"""Admin forms: a policy version edited as text, checked by the rule engine before it is saved.

The rule, the formula and the other structured parts are written as YAML or JSON in monospace
text areas. Every save runs the catalogue loader's own validation (`documents.validate`), so a
draft the admin accepts is one `load_catalogue` would accept too; the engine's error, with its
JSON path, is shown on the field it is about, in the staff member's language.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from policy_match.rules import RuleError, Subject, parse, parse_formula

from .benefit_editor_fields import FormulaNumbersField, SourcesField
from .document_canonical import to_document
from .documents import validate
from .editor_forms import RuleEditorField
from .editor_merge import EditorMergeMixin
from .field_paths import TRANSLATED, field_for_path
from .models import PolicyVersion
from .structured_fields import StructuredField


def _rule_error(exc: RuleError) -> ValidationError:
    return ValidationError(exc.text(get_language()), code="rule")


ASSUMPTION_KEYS = ("issuer", "dates", "benefit", "award", "application")


class PolicyVersionForm(EditorMergeMixin, forms.ModelForm):
    """A draft version; invalid rules, formulas, caps or dates never reach the database."""

    rule = StructuredField(
        label=PolicyVersion._meta.get_field("rule").verbose_name,
        rows=18,
        help_text=_(
            "YAML 或 JSON。条件写作 {fact: 事实, op: 运算符, value: 值}，组合用 all / any / not；"
            "见 docs/catalogue-format.md。保存时检查，错误会指出出错位置（JSON 路径）。"
        ),
    )
    formula = StructuredField(
        label=PolicyVersion._meta.get_field("formula").verbose_name,
        required=False,
        rows=6,
        help_text=_("留空表示金额即最高金额；否则为算式，如 {mul: ['0.70', {fact: interest}]}。"),
    )
    sources = StructuredField(
        label=PolicyVersion._meta.get_field("sources").verbose_name,
        required=False,
        empty=[],
        rows=8,
        help_text=_("列表，每项为 {ref, title, url, date, quote}。"),
    )
    manual_checks = StructuredField(
        label=PolicyVersion._meta.get_field("manual_checks").verbose_name,
        required=False,
        empty=[],
        rows=4,
        help_text=_("列表，每项为 {zh-hans: …, en: …}。"),
    )
    documents = StructuredField(
        label=PolicyVersion._meta.get_field("documents").verbose_name,
        required=False,
        empty=[],
        rows=4,
        help_text=_("申报须提交的材料：列表，每项为 {zh-hans: …, en: …}。"),
    )
    application_url = forms.URLField(
        label=PolicyVersion._meta.get_field("application_url").verbose_name,
        required=False,
        max_length=200,
        assume_scheme="https",
    )
    # The structured editor: the same draft as the YAML fields, which stay as an advanced view.
    # `editor_base` holds what both showed, so a save knows which of the two was changed.
    rule_editor = RuleEditorField(label=_("申报条件"), required=False)
    formula_numbers = FormulaNumbersField(label=_("公式中的数"), required=False)
    sources_rows = SourcesField(label=_("来源"), required=False)
    editor_base = forms.CharField(widget=forms.HiddenInput, required=False)
    assumptions = StructuredField(
        label=PolicyVersion._meta.get_field("assumptions").verbose_name,
        required=False,
        empty={},
        rows=4,
        help_text=_("映射，键为 issuer、dates、benefit、application，值为假定的理由。"),
    )

    class Meta:
        model = PolicyVersion
        fields = [
            *(f"{name}_{lang}" for name in TRANSLATED for lang in ("zh_hans", "en")),
            "rule",
            "jurisdiction",
            "benefit_kind",
            "award",
            "amount_kind",
            "cap",
            "cap_scope",
            "cap_per",
            "unit",
            "formula",
            "estimated_value",
            "valid_from",
            "valid_to",
            "apply_opens",
            "apply_closes",
            "exclusive_group",
            "application_url",
            "sources",
            "confidence",
            "manual_checks",
            "assumptions",
            "apply_window",
            "documents",
        ]
        widgets = {
            "summary_zh_hans": forms.Textarea(attrs={"rows": 3}),
            "summary_en": forms.Textarea(attrs={"rows": 3}),
            **{
                f"{name}_{lang}": forms.Textarea(attrs={"rows": 2})
                for name in ("dates_note", "confidence_note", "notes")
                for lang in ("zh_hans", "en")
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        given = kwargs.get("initial") or {}  # a re-arranged editor shows what was posted
        super().__init__(*args, **kwargs)
        self.from_editor: set[str] = set()
        self.source_rows: list[int] = []
        if not self.instance.pk:
            return
        # The canonical key order of the catalogue (jsonb does not keep the typed order).
        doc = to_document(self.instance)
        shown = {
            "rule": doc["rule"],
            "formula": doc["benefit"]["formula"],
            "sources": doc["sources"],
            "manual_checks": doc["manual_checks"],
            "documents": doc["documents"] or [],
            "rule_editor": doc["rule"],
            "formula_numbers": None,
            "sources_rows": doc["sources"],
            "editor_base": json.dumps(
                {
                    "rule": doc["rule"],
                    "formula": doc["benefit"]["formula"],
                    "sources": doc["sources"],
                },
                ensure_ascii=False,
                default=str,
            ),
        }
        for name, value in shown.items():
            if name not in given:
                self.initial[name] = value
        self.fields["rule_editor"].widget.subject = Subject(self.instance.policy.subject)
        self.fields["formula_numbers"].widget.formula = self.base().get("formula")

    def clean_rule(self) -> Any:
        rule = self.cleaned_data["rule"]
        try:
            parse(rule, "rule")
        except RuleError as exc:
            raise _rule_error(exc) from None
        return rule

    def clean_formula(self) -> Any:
        formula = self.cleaned_data["formula"]
        try:
            parse_formula(formula, "benefit.formula")
        except RuleError as exc:
            raise _rule_error(exc) from None
        return formula

    def clean_assumptions(self) -> dict[str, Any]:
        value = self.cleaned_data["assumptions"]
        if not isinstance(value, dict) or any(
            key not in ASSUMPTION_KEYS or not _is_note(note) for key, note in value.items()
        ):
            raise ValidationError(
                _("应为映射：键为 %(keys)s，值为文字或 {zh-hans, en}"),
                code="assumptions",
                params={"keys": "、".join(ASSUMPTION_KEYS)},
            )
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned  # the whole-document check needs every field's value
        self._apply_editor(cleaned)
        if self.errors:
            return cleaned
        candidate = copy.copy(self.instance)
        for name, value in cleaned.items():
            setattr(candidate, name, value)
        try:
            validate(to_document(candidate))
        except RuleError as exc:
            self.add_error(self._error_field(exc, cleaned), _rule_error(exc))
        return cleaned

    def _error_field(self, exc: RuleError, cleaned: dict[str, Any]) -> str | None:
        field = self._editor_field(field_for_path(exc.path), exc)
        if field in TRANSLATED:
            # A bilingual text fails when one language is empty: point at that one.
            empty = [
                f"{field}_{lang}"
                for lang in ("zh_hans", "en")
                if not cleaned.get(f"{field}_{lang}")
            ]
            return empty[0] if empty else f"{field}_zh_hans"
        return field if field in self.fields else None


def _is_note(note: Any) -> bool:
    """A remark: a text, or {zh-hans, en} with both filled in."""
    if isinstance(note, str):
        return bool(note.strip())
    return (
        isinstance(note, dict)
        and set(note) == {"zh-hans", "en"}
        and all(isinstance(v, str) and v.strip() for v in note.values())
    )
