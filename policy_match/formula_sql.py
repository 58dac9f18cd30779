"""Benefit formulas compiled to SQL expressions, for bulk re-matching and impact previews.

Mirrors `rules.evaluate.compute` and `money`: NULL wherever an input is unknown (never 0),
division by zero is NULL, then rounded to the fen and capped. PostgreSQL's round(numeric)
rounds half away from zero, which is ROUND_HALF_UP for the non-negative amounts we keep.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    Field,
    FloatField,
    Q,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, Greatest, Least, NullIf, Round
from django.db.models.lookups import Exact, IsNull

from .rules import Subject
from .rules.nodes import Cases, Expr, FactRef, Num, Op
from .rules.to_q import to_q, to_q_false, to_q_unknown


def money_field() -> Field:
    """Exact NUMERIC on PostgreSQL. On SQLite, which computes in floats anyway, a float field:
    Django wraps each decimal expression there in CAST(…), and a deep formula then overflows
    SQLite's parser stack."""
    if connection.vendor == "sqlite":
        return FloatField()
    return DecimalField(max_digits=20, decimal_places=6)


def _column(name: str, fact_subject: Subject, subject: Subject) -> F:
    return F(name if fact_subject == subject else f"enterprise__{name}")


NEVER = Q(pk__in=[])


def _is_null(name: str, fact_subject: Subject, subject: Subject) -> Q:
    return Q(IsNull(_column(name, fact_subject, subject), True))


def null_condition(expr: Expr | None, *, as_of: Any, subject: Subject) -> Q:
    """When `expr` is NULL, as a condition on columns only.

    LEAST/GREATEST skip NULLs on PostgreSQL, so min/max need this guard; building it from the
    input columns (not by repeating the argument expressions) keeps the SQL linear in size.
    """
    if expr is None or isinstance(expr, Num):
        return NEVER
    if isinstance(expr, FactRef):
        fact = expr.fact
        if fact.name == "interest":
            return _is_null("interest_paid", fact.subject, subject) & (
                _is_null("amount", fact.subject, subject) | _is_null("rate", fact.subject, subject)
            )
        if fact.name == "rd_intensity":
            revenue = _column("annual_revenue", fact.subject, subject)
            return (
                _is_null("rd_expense", fact.subject, subject)
                | _is_null("annual_revenue", fact.subject, subject)
                | Q(**{f"{revenue.name}__lte": 0})
            )
        return _is_null(fact.name, fact.subject, subject)
    if isinstance(expr, Op):
        result = NEVER
        for arg in expr.args:
            result |= null_condition(arg, as_of=as_of, subject=subject)
        if expr.name == "div":
            denominator = formula_expression(expr.args[1], as_of=as_of, subject=subject)
            result |= Q(Exact(denominator, Decimal(0)))
        return result
    assert isinstance(expr, Cases)
    result, earlier_false = NEVER, ~NEVER
    for case in expr.cases:
        true = to_q(case.when, as_of=as_of, subject=subject)
        unknown = to_q_unknown(case.when, as_of=as_of, subject=subject)
        result |= earlier_false & (
            unknown | (true & null_condition(case.then, as_of=as_of, subject=subject))
        )
        earlier_false &= to_q_false(case.when, as_of=as_of, subject=subject)
    return result | (earlier_false & null_condition(expr.otherwise, as_of=as_of, subject=subject))


def _guarded(condition: Q, expression: Any) -> Any:
    return Case(
        When(condition, then=Value(None, output_field=money_field())),
        default=expression,
        output_field=money_field(),
    )


def formula_expression(expr: Expr, *, as_of: Any, subject: Subject) -> Any:
    """A SQL expression for `expr` over rows of `subject`'s model."""
    if isinstance(expr, Num):
        return Value(expr.value, output_field=money_field())
    if isinstance(expr, FactRef):
        fact = expr.fact
        if fact.name == "interest":
            paid = _column("interest_paid", fact.subject, subject)
            amount = _column("amount", fact.subject, subject)
            rate = _column("rate", fact.subject, subject)
            return Coalesce(
                paid,
                ExpressionWrapper(amount * rate, output_field=money_field()),
                output_field=money_field(),
            )
        if fact.name == "rd_intensity":
            rd = _column("rd_expense", fact.subject, subject)
            revenue = _column("annual_revenue", fact.subject, subject)
            positive = Case(
                When(Q(**{f"{revenue.name}__gt": 0}), then=revenue), output_field=money_field()
            )
            return ExpressionWrapper(rd / positive, output_field=money_field())
        if fact.derived:
            raise NotImplementedError(f"{fact.name} has no SQL form in formulas")
        return ExpressionWrapper(
            _column(fact.name, fact.subject, subject), output_field=money_field()
        )
    if isinstance(expr, Op):
        args = [formula_expression(a, as_of=as_of, subject=subject) for a in expr.args]
        if expr.name in ("min", "max"):
            function = Least if expr.name == "min" else Greatest
            return _guarded(
                null_condition(expr, as_of=as_of, subject=subject),
                function(*args, output_field=money_field()),
            )
        if expr.name == "div":
            return ExpressionWrapper(
                args[0] / NullIf(args[1], Value(Decimal(0))), output_field=money_field()
            )
        result: Combinable = args[0]
        for arg in args[1:]:
            result = {"add": result + arg, "sub": result - arg, "mul": result * arg}[expr.name]
        return ExpressionWrapper(result, output_field=money_field())
    assert isinstance(expr, Cases)
    whens = []
    for case in expr.cases:
        whens.append(
            When(
                to_q_unknown(case.when, as_of=as_of, subject=subject),
                then=Value(None, output_field=money_field()),
            )
        )
        then = (
            Value(Decimal(0))
            if case.then is None
            else formula_expression(case.then, as_of=as_of, subject=subject)
        )
        whens.append(When(to_q(case.when, as_of=as_of, subject=subject), then=then))
    default = (
        Value(Decimal(0))
        if expr.otherwise is None
        else formula_expression(expr.otherwise, as_of=as_of, subject=subject)
    )
    return Case(*whens, default=default, output_field=money_field())


def amount_expression(
    formula: Expr | None, cap: Decimal | None, *, as_of: Any, subject: Subject
) -> Any:
    """The line amount: formula rounded to the fen, at least 0, at most the cap; else the cap."""
    if formula is None:
        return Value(cap, output_field=money_field())
    rounded = Round(
        formula_expression(formula, as_of=as_of, subject=subject), 2, output_field=money_field()
    )
    value: Any = Greatest(rounded, Value(Decimal(0)), output_field=money_field())
    if cap is not None:
        value = Least(value, Value(cap), output_field=money_field())
    return _guarded(null_condition(formula, as_of=as_of, subject=subject), value)
