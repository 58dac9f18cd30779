"""How a save of the draft form picks between the structured editor and the YAML view.

Both show the same draft; `editor_base` (hidden) holds what both showed when the page was
drawn, so whichever of the two was changed is the one kept, and an error about an edited part
is put on its row or field in the editor, not on the YAML box the curator never opened.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from policy_match.rules import RuleError

from .benefit_editor import formula_numbers, formula_with
from .editor_forms import RuleEditorField
from .rule_editor import row_of_path


class EditorMergeMixin:
    """Mixed into PolicyVersionForm (a ModelForm): the attributes below are the form's."""

    from_editor: set[str]
    source_rows: list[int]

    if TYPE_CHECKING:  # the ModelForm's own, for the type checker only
        is_bound: bool
        data: Any
        initial: Any
        fields: dict[str, Any]
        cleaned_data: dict[str, Any]

        def add_prefix(self, field_name: str) -> str: ...
        def add_error(self, field: str | None, error: Any) -> None: ...
        def __getitem__(self, name: str) -> Any: ...

    def base(self) -> dict[str, Any]:
        """What the editor and the YAML showed when the page was drawn."""
        text = self.data.get(self.add_prefix("editor_base")) if self.is_bound else None
        text = text if text is not None else self.initial.get("editor_base")
        try:
            value = json.loads(text) if text else {}
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    def _editor_wins(self, cleaned: dict[str, Any], name: str, edited: Any) -> bool:
        """The structured value replaces the YAML one unless the YAML box was changed."""
        if name not in cleaned or edited is None:
            return False
        base = self.base().get(name)
        if cleaned[name] == base:
            return True
        if edited != base and edited != cleaned[name]:
            self.add_error(
                name, _("表格和 YAML 都改了，只能保留一处：请撤销其中一处的修改后再保存")
            )
        return False

    def _apply_editor(self, cleaned: dict[str, Any]) -> None:
        edited = cleaned.get("rule_editor")
        if edited is not None and self._editor_wins(cleaned, "rule", edited.rule):
            cleaned["rule"] = edited.rule
            self.from_editor.add("rule")
        numbers = cleaned.get("formula_numbers")
        formula = self.base().get("formula")
        if numbers and formula is not None and cleaned.get("formula") == formula:
            paths = [path for path, _text in formula_numbers(formula)]
            changed = {paths[i]: text for i, text in numbers.items() if i < len(paths)}
            cleaned["formula"] = formula_with(formula, changed)
            self.from_editor.add("formula")
        sources = cleaned.get("sources_rows")
        if sources is not None and self._editor_wins(cleaned, "sources", sources[0]):
            cleaned["sources"], self.source_rows = sources
            self.from_editor.add("sources")

    def _editor_field(self, field: str | None, exc: RuleError) -> str | None:
        """Where an error about an edited part goes: on its row in the structured editor."""
        if field == "rule" and "rule" in self.from_editor:
            edited = self.cleaned_data.get("rule_editor")
            editor: RuleEditorField = self.fields["rule_editor"]
            state = self["rule_editor"].value()
            if edited is not None and state is not None:
                row = row_of_path(edited.paths, exc.path)
                editor.mark(state, row, exc.message.get(get_language()))
            return "rule_editor"
        if field == "formula" and "formula" in self.from_editor:
            return "formula_numbers"
        if field == "sources" and "sources" in self.from_editor:
            return "sources_rows"
        return field
