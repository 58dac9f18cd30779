"""Three-valued (Kleene) evaluation of parsed rules and formulas.

A rule is compiled once into nested closures (one builder per node type, side by side); running
it fills a flat list of outcomes indexed by node, which is the whole trace: sentences are made
from it only when a report is rendered (explain.py), because building them here would cost
several times the evaluation.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal, DivisionByZero, InvalidOperation
from typing import Any

from .nodes import (
    FALSE,
    TRUE,
    UNKNOWN,
    All,
    Any_,
    Cases,
    Cond,
    Expr,
    FactRef,
    Node,
    Not,
    Num,
    Op,
    Rule,
)

Context = Mapping[str, Any]
Trace = list[int]
Compiled = Callable[[Context, Trace], int]
FEN = Decimal("0.01")

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
    "in": lambda actual, allowed: actual in allowed,
    "not_in": lambda actual, excluded: actual not in excluded,
    "between": lambda actual, bounds: bounds[0] <= actual <= bounds[1],
    "contains": lambda actual, code: code in actual,
}


def _compile_cond(node: Cond) -> Compiled:
    name, index, expected, compare = node.fact.name, node.index, node.value, _COMPARE[node.op]

    def run(ctx: Context, trace: Trace) -> int:
        actual = ctx.get(name)
        result = UNKNOWN if actual is None else (TRUE if compare(actual, expected) else FALSE)
        trace[index] = result
        return result

    return run


def _compile_all(node: All) -> Compiled:
    children, index = tuple(compile_node(c) for c in node.children), node.index

    def run(ctx: Context, trace: Trace) -> int:
        # No short-circuit: the trace must show every failing condition.
        result = min([child(ctx, trace) for child in children])
        trace[index] = result
        return result

    return run


def _compile_any(node: Any_) -> Compiled:
    children, index = tuple(compile_node(c) for c in node.children), node.index

    def run(ctx: Context, trace: Trace) -> int:
        result = max([child(ctx, trace) for child in children])
        trace[index] = result
        return result

    return run


def _compile_not(node: Not) -> Compiled:
    child, index = compile_node(node.child), node.index

    def run(ctx: Context, trace: Trace) -> int:
        result = TRUE - child(ctx, trace)
        trace[index] = result
        return result

    return run


_BUILDERS: dict[type, Callable[[Any], Compiled]] = {
    Cond: _compile_cond,
    All: _compile_all,
    Any_: _compile_any,
    Not: _compile_not,
}


def compile_node(node: Node) -> Compiled:
    return _BUILDERS[type(node)](node)


class CompiledRule:
    """A rule ready to run many times: `run(ctx)` gives (outcome, trace)."""

    __slots__ = ("_fn", "_size", "rule")

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self._fn = compile_node(rule.root)
        self._size = len(rule.nodes)

    def __repr__(self) -> str:
        # The rule's own repr: a compiled policy's repr then says all it holds (the re-match
        # keys its statements on it), never an address.
        return f"CompiledRule({self.rule!r})"

    def run(self, ctx: Context) -> tuple[int, tuple[int, ...]]:
        trace = [UNKNOWN] * self._size
        outcome = self._fn(ctx, trace)
        return outcome, tuple(trace)


# Compiled `when` rules of formula cases, keyed by id; the rule is kept so the id stays unique.
_CASE_RULES: dict[int, tuple[Rule, CompiledRule]] = {}


def _compiled(rule: Rule) -> CompiledRule:
    cached = _CASE_RULES.get(id(rule))
    if cached is None or cached[0] is not rule:
        cached = _CASE_RULES[id(rule)] = (rule, CompiledRule(rule))
    return cached[1]


def evaluate(rule: Rule, ctx: Context) -> tuple[int, tuple[int, ...]]:
    """Evaluate `rule` against facts in `ctx` (None/absent = unknown): (outcome, trace)."""
    return CompiledRule(rule).run(ctx)


# --- formulas ---------------------------------------------------------------------------------

_ARITHMETIC: dict[str, Callable[[list[Decimal]], Decimal]] = {
    "add": lambda xs: sum(xs, Decimal(0)),
    "sub": lambda xs: xs[0] - xs[1],
    "mul": lambda xs: _product(xs),
    "div": lambda xs: xs[0] / xs[1],
    "min": min,
    "max": max,
}


def _product(values: list[Decimal]) -> Decimal:
    result = Decimal(1)
    for value in values:
        result *= value
    return result


def compute(expr: Expr, ctx: Context) -> Decimal | None:
    """Evaluate a formula in Decimal; None when an input it depends on is unknown."""
    if isinstance(expr, Num):
        return expr.value
    if isinstance(expr, FactRef):
        value = ctx.get(expr.fact.name)
        return None if value is None else Decimal(value)
    if isinstance(expr, Op):
        args = [compute(arg, ctx) for arg in expr.args]
        if any(arg is None for arg in args):
            return None
        try:
            return _ARITHMETIC[expr.name](args)  # type: ignore[arg-type]
        except (DivisionByZero, InvalidOperation, ZeroDivisionError):
            return None
    assert isinstance(expr, Cases)
    for case in expr.cases:
        outcome, _ = _compiled(case.when).run(ctx)
        if outcome == UNKNOWN:
            return None
        if outcome == TRUE:
            return Decimal(0) if case.then is None else compute(case.then, ctx)
    return Decimal(0) if expr.otherwise is None else compute(expr.otherwise, ctx)


def formula_facts(expr: Expr | None) -> frozenset[str]:
    """Every fact a formula may read."""
    if expr is None or isinstance(expr, Num):
        return frozenset()
    if isinstance(expr, FactRef):
        return frozenset({expr.fact.name})
    if isinstance(expr, Op):
        return frozenset().union(*(formula_facts(a) for a in expr.args))
    found: set[str] = set()
    for case in expr.cases:
        found |= case.when.facts | formula_facts(case.then)
    return frozenset(found | formula_facts(expr.otherwise))


def money(value: Decimal | None, cap: Decimal | None) -> Decimal | None:
    """Round to the fen (ROUND_HALF_UP), then apply the cap."""
    if value is None:
        return None
    amount = value.quantize(FEN, rounding=ROUND_HALF_UP)
    if amount <= 0:  # also turns -0.00 into 0.00
        return Decimal("0.00")
    if cap is not None and amount > cap:
        return cap.quantize(FEN)
    return amount
