"""Decision records (design §13): what decided a stored match, kept with it.

A record is the stored facts the version's rule and formula read (`inputs`: the inputs of
derived facts, not the derived values, which are worked out again from them and the evaluation
date) and one outcome per rule node in index order (`trace`, "2" true, "1" unknown, "0"
false). The one-by-one path builds it in Python from the evaluated line; the set-based
re-match builds the same in SQL (`inputs_sql`, `trace_sql`), so no row is read into Python.
Rendering a record reads only what is stored, never today's profile.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Case, CharField, F, TextField, Value, When
from django.db.models.functions import Cast, Concat, JSONObject

from .catalogue import CompiledPolicy, compile_version
from .models import Match
from .report import reasons_json
from .rules import FACTS, Kind, Subject, format_value, reasons, with_derived
from .rules.to_q import node_pair
from .selectors import match_confirmed

_TEXT_KINDS = frozenset({Kind.DECIMAL, Kind.RATIO, Kind.DATE})


def stored_facts(compiled: CompiledPolicy) -> tuple[str, ...]:
    """The stored facts a version reads: those its rule and formula name, and the inputs of
    the derived ones among them."""
    names: set[str] = set()
    for name in compiled.rule.rule.facts | compiled.formula_facts:
        fact = FACTS[name]
        names.update(fact.inputs if fact.derived else (name,))
    return tuple(sorted(names))


def _json_ready(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | frozenset | set):
        return sorted(str(v) for v in value)
    return value


def inputs_of(compiled: CompiledPolicy, ctx: Mapping[str, Any]) -> dict[str, Any]:
    """The record's inputs from an evaluated line's context (JSON-ready)."""
    return {name: _json_ready(ctx.get(name)) for name in stored_facts(compiled)}


def trace_text(trace: tuple[int, ...]) -> str:
    return "".join(str(outcome) for outcome in trace)


def trace_of(text: str) -> tuple[int, ...]:
    return tuple(int(char) for char in text)


def typed_inputs(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Stored inputs back as fact values. The databases store them each their own way:
    PostgreSQL numeric as text and booleans as true/false, SQLite booleans as 1/0."""
    values: dict[str, Any] = {}
    for name, raw in inputs.items():
        fact = FACTS.get(name)
        if fact is None or raw is None:
            values[name] = None
        elif fact.kind is Kind.BOOL:
            values[name] = bool(raw)
        elif fact.kind in (Kind.DECIMAL, Kind.RATIO):
            values[name] = Decimal(str(raw))
        elif fact.kind is Kind.DATE:
            values[name] = date.fromisoformat(str(raw)[:10])
        elif fact.kind is Kind.INT:
            values[name] = int(raw)
        else:
            values[name] = raw
    return values


def context_of(
    compiled: CompiledPolicy, inputs: Mapping[str, Any], evaluated_on: date
) -> dict[str, Any]:
    """The evaluation context a record stands for: its inputs and the derived facts on the
    day it was evaluated."""
    values = typed_inputs(inputs)
    for subject in (Subject.ENTERPRISE, compiled.subject):
        with_derived(subject, values, evaluated_on)
    return values


# --- the same in SQL ----------------------------------------------------------------------


def _column(name: str, subject: Subject) -> F:
    fact = FACTS[name]
    return F(name if fact.subject == subject else f"enterprise__{name}")


def inputs_sql(compiled: CompiledPolicy) -> Any:
    """A JSON object of the stored facts, one key each (decimals and dates as text, so that
    no amount passes through a float)."""
    subject = compiled.subject
    pairs: dict[str, Any] = {}
    for name in stored_facts(compiled):
        column: Any = _column(name, subject)
        if FACTS[name].kind in _TEXT_KINDS:
            column = Cast(column, TextField())
        pairs[name] = column
    return JSONObject(**pairs) if pairs else Value("{}")


def trace_sql(compiled: CompiledPolicy, *, as_of: date) -> Any:
    """The outcome of every rule node, in index order, as one text of digits."""
    subject = compiled.subject
    digits = []
    for node in compiled.rule.rule.nodes:
        true, false = node_pair(node, as_of=as_of, subject=subject)
        digits.append(
            Case(
                When(true, then=Value("2")),
                When(false, then=Value("0")),
                default=Value("1"),
                output_field=CharField(),
            )
        )
    if len(digits) == 1:
        return digits[0]
    return Concat(*digits, output_field=TextField())


# --- a record as a person reads it ---------------------------------------------------------


def record_report(*, match: Match, language: str) -> dict[str, Any]:
    """One stored result explained from its own record: the version and dates that decided
    it, the values it read, a reason per condition and the formula's inputs and amount."""
    version = match.version
    compiled = compile_version(version)
    trace = trace_of(match.trace)
    has_record = len(trace) == len(compiled.rule.rule.nodes)
    ctx = context_of(compiled, match.inputs, match.evaluated_on)
    confirmed = match_confirmed(match=match)
    formula = None
    if compiled.formula is not None:
        formula = {
            "inputs": [_value(name, ctx, language) for name in sorted(compiled.formula_facts)],
            "amount": None if match.amount is None else str(match.amount),
        }
    return {
        "subject": {"type": match.subject_type, "ref": match.subject_ref or None},
        "status": match.status,
        "amount": None if match.amount is None else str(match.amount),
        "version": {
            "number": version.number,
            "valid_from": _iso(version.valid_from),
            "valid_to": _iso(version.valid_to),
        },
        "evaluated_on": match.evaluated_on.isoformat(),
        "confirmed": {"version": confirmed.version_number, "on": confirmed.on.isoformat()},
        "recorded": has_record,
        "inputs": [_value(name, ctx, language) for name in sorted(match.inputs)],
        "reasons": (
            reasons_json(reasons(compiled.rule.rule, trace, ctx, language), compiled, language)
            if has_record
            else []
        ),
        "formula": formula,
        "missing": [
            {"fact": name, "label": FACTS[name].label.get(language) if name in FACTS else name}
            for name in match.missing
        ],
    }


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _value(name: str, ctx: Mapping[str, Any], language: str) -> dict[str, Any]:
    fact = FACTS[name]
    value = ctx.get(name)
    return {
        "fact": name,
        "label": fact.label.get(language),
        "value": _json_ready(value),
        "shown": format_value(fact, value, language),
    }
