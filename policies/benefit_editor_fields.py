"""Form fields of the structured editor's benefit parts: a formula's numbers, and the sources
as rows. The shapes live in `benefit_editor`; the engine checks the result, as it checks the YAML.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from policy_match.rules import normalize_language

from .benefit_editor import SOURCE_KEYS, formula_numbers, formula_text, number_valid
from .benefit_editor import rows_sources as _rows_sources
from .benefit_editor import sources_rows as _sources_rows
from .editor_forms import MAX_ROWS
from .rule_sentences import language


class FormulaNumbersWidget(forms.Widget):
    """One field per number of the formula, labelled by its marker in the formula's words."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.formula: Any = None

    def value_from_datadict(self, data: Any, files: Any, name: str) -> dict[int, str] | None:
        if f"{name}-TOTAL" not in data:
            return None
        total = str(data.get(f"{name}-TOTAL"))
        count = min(int(total), MAX_ROWS) if total.isdigit() else 0
        return {i: str(data.get(f"{name}-{i}", "")) for i in range(count)}

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return f"{name}-TOTAL" not in data

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> Any:
        numbers = formula_numbers(self.formula)
        typed = value if isinstance(value, dict) else {}
        lang = normalize_language(language())
        return render_to_string(
            "admin/policies/policyversion/formula_numbers.html",
            {
                "name": name,
                "text": formula_text(self.formula, lang) if self.formula is not None else "",
                "numbers": [(i, typed.get(i, text)) for i, (_path, text) in enumerate(numbers)],
                "total": len(numbers),
            },
        )


class FormulaNumbersField(forms.Field):
    widget = FormulaNumbersWidget

    def clean(self, value: Any) -> dict[int, str] | None:
        if not isinstance(value, dict):
            return None
        for i, text in value.items():
            if not number_valid(text):
                raise ValidationError(
                    _("公式的第 [%(n)s] 个数应为数字"), code="number", params={"n": i + 1}
                )
        return value


class SourcesWidget(forms.Widget):
    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        total = str(data.get(f"{name}-TOTAL", ""))
        if not total.isdigit():
            return None
        rows = [
            {key: str(data.get(f"{name}-{i}-{key}", "")) for key in SOURCE_KEYS}
            for i in range(min(int(total), MAX_ROWS))
        ]
        removed = {i for i in range(len(rows)) if data.get(f"{name}-{i}-remove")}
        return {"rows": rows, "removed": removed}

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return f"{name}-TOTAL" not in data

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> Any:
        if isinstance(value, dict) and "rows" in value:
            rows, removed = value["rows"], value["removed"]
            if any(v.strip() for v in rows[-1].values()) if rows else True:
                rows = [*rows, dict.fromkeys(SOURCE_KEYS, "")]
        else:
            rows, removed = _sources_rows(value), set()
        return render_to_string(
            "admin/policies/policyversion/sources_rows.html",
            {
                "name": name,
                "rows": [(i, row, i in removed) for i, row in enumerate(rows)],
                "total": len(rows),
                "keys": SOURCE_KEYS,
            },
        )


class SourcesField(forms.Field):
    widget = SourcesWidget

    def clean(self, value: Any) -> tuple[list[Any], list[int]] | None:
        if not isinstance(value, dict):
            return None
        return _rows_sources(value["rows"], value["removed"])
