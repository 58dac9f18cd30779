"""The rule engine: pure Python (only to_q.py imports Django)."""

from .errors import RuleError
from .evaluate import CompiledRule, compute, evaluate, formula_facts, money
from .explain import missing_facts, reasons, render_rule
from .facts import FACTS, Fact, Kind, Subject, facts_for, with_derived
from .nodes import FALSE, OUTCOME_NAMES, TRUE, UNKNOWN, Rule
from .parse import coerce_value, parse
from .parse_formula import parse_formula
from .shown import format_value
from .text import LANGUAGES, Text, normalize_language

__all__ = [
    "FACTS",
    "FALSE",
    "LANGUAGES",
    "OUTCOME_NAMES",
    "TRUE",
    "UNKNOWN",
    "CompiledRule",
    "Fact",
    "Kind",
    "Rule",
    "RuleError",
    "Subject",
    "Text",
    "coerce_value",
    "compute",
    "evaluate",
    "facts_for",
    "format_value",
    "formula_facts",
    "missing_facts",
    "money",
    "normalize_language",
    "parse",
    "parse_formula",
    "reasons",
    "render_rule",
    "with_derived",
]
