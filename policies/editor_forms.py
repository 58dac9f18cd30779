"""Form fields of the structured editor's rule: the rule as rows, each value with its fact's
own widget. The shapes live in `rule_editor`; the engine checks the result, as it checks the
YAML. The formula's numbers and the sources are in `benefit_editor_fields`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from policy_match.rules import FACTS, RuleError, Subject, Text, parse
from policy_match.rules.facts import Kind

from .rule_editor import GROUPS, Row, RowError, Rows, error_row, rows_rearranged, rows_rule
from .rule_editor import rule_rows as _rule_rows
from .rule_sentences import editor_sentences, language, row_sentence

ACTION = "_rule_action"
MAX_ROWS = 400  # far beyond any measure (the largest has 14 nodes): a bound on a posted form
OPS_BY_KIND = {
    Kind.BOOL: ("eq", "ne"),
    Kind.CODE: ("eq", "ne", "in", "not_in"),
    Kind.CODES: ("contains",),
    **{
        kind: ("eq", "ne", "lt", "lte", "gt", "gte", "between", "in", "not_in")
        for kind in (Kind.INT, Kind.DECIMAL, Kind.RATIO, Kind.DATE)
    },
}
OP_LABELS = {
    "eq": Text("等于", "is"),
    "ne": Text("不等于", "is not"),
    "lt": Text("少于 (<)", "less than (<)"),
    "lte": Text("不超过 (≤)", "at most (≤)"),
    "gt": Text("大于 (>)", "more than (>)"),
    "gte": Text("不少于 (≥)", "at least (≥)"),
    "in": Text("属于其一", "one of"),
    "not_in": Text("不属于", "none of"),
    "between": Text("介于", "between"),
    "contains": Text("包含", "includes"),
}
GROUP_LABELS = {
    "all": Text("同时满足以下全部", "all of the following"),
    "any": Text("满足以下任一", "any of the following"),
    "not": Text("不满足以下条件", "not the following"),
}
_UNITS = {Kind.DECIMAL: Text("元", "yuan"), Kind.RATIO: Text("%", "%")}
_SUBJECT_LABELS = {
    Subject.ENTERPRISE: Text("企业", "Enterprise"),
    Subject.PERSON: Text("人员", "Person"),
    Subject.LOAN: Text("贷款", "Loan"),
}


def _data_list(data: Mapping[str, Any], key: str) -> list[str]:
    getlist = getattr(data, "getlist", None)
    values = getlist(key) if getlist else ([data[key]] if key in data else [])
    return [str(v) for v in values]


def _json(text: str | None, default: Any) -> Any:
    try:
        return json.loads(text) if text else default
    except ValueError:
        return default


class RuleEditorWidget(forms.Widget):
    """Rows of conditions and groups; the add / remove buttons post the form without saving."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.subject = Subject.ENTERPRISE
        self.row_errors: dict[int, str] = {}

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Rows | None:
        total = data.get(f"{name}-TOTAL")
        if total is None or not str(total).isdigit():
            return None
        rows = []
        for i in range(min(int(total), MAX_ROWS)):
            depth = str(data.get(f"{name}-{i}-depth", ""))
            if not depth.isdigit():
                continue
            basis = _json(data.get(f"{name}-{i}-basis"), {})
            rows.append(
                Row(
                    depth=int(depth),
                    kind=str(data.get(f"{name}-{i}-kind", "cond")),
                    fact=str(data.get(f"{name}-{i}-fact", "")),
                    op=str(data.get(f"{name}-{i}-op", "")),
                    raw=tuple(_data_list(data, f"{name}-{i}-value")),
                    basis=basis if isinstance(basis, dict) else {},
                    original=_json(data.get(f"{name}-{i}-original"), None),
                )
            )
        state = Rows(tuple(rows), data.get(f"{name}-wrapped") == "1")
        action = data.get(ACTION)
        return rows_rearranged(state, str(action)) if action else state

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return f"{name}-TOTAL" not in data

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> Any:
        state = value if isinstance(value, Rows) else _rule_rows(value)
        lang = language()
        rows = [self._row(name, i, row, lang) for i, row in enumerate(state.rows)]
        return render_to_string(
            "admin/policies/policyversion/rule_editor.html",
            {
                "name": name,
                "rows": rows,
                "total": len(state.rows),
                "wrapped": state.wrapped,
                "sentences": "\n".join(editor_sentences(state)),
                "action": ACTION,
            },
        )

    def _row(self, name: str, i: int, row: Row, lang: str) -> dict[str, Any]:
        prefix = f"{name}-{i}"
        fact = FACTS.get(row.fact)
        context: dict[str, Any] = {
            "index": i,
            "number": i + 1,
            "prefix": prefix,
            "row": row,
            "indent": row.depth * 24,
            "basis": json.dumps(row.basis, ensure_ascii=False) if row.basis else "",
            "original": json.dumps(row.original, ensure_ascii=False),
            "error": self.row_errors.get(i, ""),
            "group": row.kind in GROUPS,
        }
        if context["group"]:
            context["kinds"] = [(k, GROUP_LABELS[k].get(lang)) for k in GROUPS]
            return context
        context["facts"] = self._fact_choices(row.fact, lang)
        ops = OPS_BY_KIND[fact.kind] if fact else tuple(OP_LABELS)
        if row.op and row.op not in ops:
            ops = (*ops, row.op)  # shown as chosen: its error says why it does not fit
        context["ops"] = [(op, OP_LABELS[op].get(lang) if op in OP_LABELS else op) for op in ops]
        context["value"] = self._value_widget(prefix, fact, row, lang)
        context["sentence"] = row_sentence(row, lang)
        context["note"] = _basis_note(row.basis, lang)
        return context

    def _fact_choices(self, current: str, lang: str) -> list[tuple[str, list[tuple[str, str]]]]:
        groups = []
        for subject in (Subject.ENTERPRISE, self.subject):
            facts = [f for f in FACTS.values() if f.subject is subject]
            options = [(f.name, f"{f.label.get(lang)} · {f.name}") for f in facts]
            groups.append((_SUBJECT_LABELS[subject].get(lang), options))
            if subject is self.subject:
                break
        if current and current not in FACTS:
            groups.append(("?", [(current, current)]))
        return groups

    def _value_widget(self, prefix: str, fact: Any, row: Row, lang: str) -> str:
        name = f"{prefix}-value"
        label = fact.label.get(lang) if fact else str(_("值"))
        value_word = str(_("值"))
        named = f"{label}（{value_word}）" if lang == "zh-hans" else f"{label} ({value_word})"
        attrs: dict[str, Any] = {"aria-label": named, "class": "pm-value"}
        if fact is None:
            return forms.TextInput(attrs=attrs).render(name, row.raw[0] if row.raw else "")
        if fact.kind in (Kind.CODE, Kind.CODES, Kind.BOOL):
            choices = [("", "—")]
            if fact.kind is Kind.BOOL:
                choices += [
                    ("true", Text("是", "yes").get(lang)),
                    ("false", Text("否", "no").get(lang)),
                ]
            else:
                choices += [(c.code, c.label.get(lang)) for c in fact.choices]
            known = {code for code, _label in choices}
            choices += [(raw, raw) for raw in row.raw if raw and raw not in known]
            if row.op in ("in", "not_in"):
                widget: forms.Widget = forms.SelectMultiple(
                    attrs={**attrs, "size": 5}, choices=choices[1:]
                )
                return str(widget.render(name, list(row.raw)))
            return str(forms.Select(attrs=attrs, choices=choices).render(name, _first(row.raw)))
        kind_attrs = {**attrs, "inputmode": "numeric" if fact.kind is Kind.INT else "decimal"}
        if fact.kind is Kind.DATE:
            widget = forms.DateInput(attrs={**attrs, "type": "date"})
        else:
            widget = forms.TextInput(attrs={**kind_attrs, "size": 12})
        unit = _UNITS.get(fact.kind) or fact.unit
        suffix = f' <span class="pm-unit">{unit.get(lang)}</span>' if unit else ""
        count = 2 if row.op == "between" else max(len(row.raw), 1)
        if row.op in ("in", "not_in"):
            count += 1  # room for one more value
        raws = list(row.raw) + [""] * (count - len(row.raw))
        joiner = f" {Text('至', 'to').get(lang)} " if row.op == "between" else " "
        parts = [str(widget.render(name, raw)) + suffix for raw in raws[:count]]
        return joiner.join(parts)


def _first(raw: tuple[str, ...]) -> str:
    return raw[0] if raw else ""


def _basis_note(basis: dict[str, Any], lang: str) -> str:
    for key, label in (("stated", "原文"), ("derived", "推断"), ("assumed", "假定")):
        note = basis.get(key)
        if note:
            text = (
                note.get("zh-hans" if lang == "zh-hans" else "en", "")
                if isinstance(note, dict)
                else str(note)
            )
            title = Text(label, key).get(lang)
            return f"{title}：{text}" if lang == "zh-hans" else f"{title}: {text}"
    return ""


@dataclass(frozen=True)
class EditedRule:
    rule: Any
    paths: list[str]


class RuleEditorField(forms.Field):
    widget = RuleEditorWidget

    def clean(self, value: Any) -> EditedRule | None:
        if not isinstance(value, Rows):
            return None
        widget: RuleEditorWidget = self.widget  # type: ignore[assignment]
        lang = language()
        try:
            rule, paths = rows_rule(value)
            parse(rule, "rule")
        except RowError as exc:
            widget.row_errors = {exc.row: _row_text(value, exc.row, exc.text.get(lang), lang)}
            raise ValidationError(
                _("条件第 %(row)s 行有误：%(error)s"),
                code="row",
                params={"row": exc.row + 1, "error": exc.text.get(lang)},
            ) from None
        except RuleError as exc:
            row = error_row(paths, exc)
            self.mark(value, row, exc.message.get(lang))
            raise ValidationError(exc.text(lang), code="rule") from None
        return EditedRule(rule, paths)

    def mark(self, state: Rows, row: int | None, text: str) -> None:
        widget: RuleEditorWidget = self.widget  # type: ignore[assignment]
        if row is not None:
            widget.row_errors = {row: _row_text(state, row, text, language())}


def _row_text(state: Rows, row: int, text: str, lang: str) -> str:
    fact = FACTS.get(state.rows[row].fact) if row < len(state.rows) else None
    if fact is None:
        return text
    return f"{fact.label.get(lang)}{'：' if lang == 'zh-hans' else ': '}{text}"
