"""The sentences shown beside the structured editor: the whole rule as it reads, and each row.

They come from the engine's own `render_rule`, so the editor says exactly what a founder and a
partner will read; a rule that does not build or parse yet has no sentences (its error is on
its row).
"""

from __future__ import annotations

from django.utils.translation import get_language

from policy_match.rules import RuleError, normalize_language, parse, render_rule

from .rule_editor import Row, RowError, Rows, rows_rule


def language() -> str:
    """The staff member's language as the engine names it (zh-hans or en)."""
    return normalize_language(get_language())


def editor_sentences(state: Rows) -> list[str]:
    try:
        rule, _paths = rows_rule(state)
        return render_rule(parse(rule, "rule"), language())
    except (RowError, RuleError):
        return []


def row_sentence(row: Row, lang: str) -> str:
    """One condition row as a sentence ("" while it is incomplete or wrong)."""
    if row.kind != "cond":
        return ""
    try:
        rule, _paths = rows_rule(Rows((row,), wrapped=False))
        return render_rule(parse(rule, "rule"), lang)[0].strip()
    except (RowError, RuleError, IndexError):
        return ""
