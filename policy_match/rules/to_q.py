"""Compile a rule to Django `Q` objects (the only module of the engine that imports Django).

Every condition is compiled to a pair (selects TRUE, selects FALSE), each guarded by its inputs
being known, so neither is ever SQL NULL; UNKNOWN is what is neither. Groups then combine pairs
exactly like Kleene logic: all → (AND of trues, OR of falses), any → the mirror, not → swap.
Derived facts are rewritten into conditions on their stored inputs (an age bound becomes a
date bound), so the database can use plain indexes and no Python runs per row.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import reduce
from typing import Any

from django.db.models import F, Q, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce
from django.db.models.lookups import (
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    In,
    LessThan,
    LessThanOrEqual,
)

from .facts import Fact, Subject
from .nodes import All, Any_, Cond, Node, Not, Rule

QPair = tuple[Q, Q]
NEVER = Q(pk__in=[])
ALWAYS = ~NEVER
COMPLEMENT = {"eq": "ne", "ne": "eq", "lt": "gte", "gte": "lt", "lte": "gt", "gt": "lte",
              "in": "not_in", "not_in": "in"}  # fmt: skip


def to_q(rule: Rule, *, as_of: date, subject: Subject) -> Q:
    """Rows of `subject`'s model for which `rule` is TRUE on `as_of`."""
    return _pair(rule.root, as_of, subject)[0]


def to_q_false(rule: Rule, *, as_of: date, subject: Subject) -> Q:
    """Rows for which `rule` is FALSE."""
    return _pair(rule.root, as_of, subject)[1]


def to_q_unknown(rule: Rule, *, as_of: date, subject: Subject) -> Q:
    """Rows for which `rule` is UNKNOWN (neither TRUE nor FALSE)."""
    true, false = _pair(rule.root, as_of, subject)
    return ~true & ~false


def node_pair(node: Node, *, as_of: date, subject: Subject) -> QPair:
    """(selects TRUE, selects FALSE) of one node of a rule; UNKNOWN is neither."""
    return _pair(node, as_of, subject)


def _pair(node: Node, as_of: date, subject: Subject) -> QPair:
    if isinstance(node, Cond):
        return _cond(node, as_of, subject)
    if isinstance(node, Not):
        true, false = _pair(node.child, as_of, subject)
        return false, true
    pairs = [_pair(child, as_of, subject) for child in node.children]
    trues, falses = [p[0] for p in pairs], [p[1] for p in pairs]
    if isinstance(node, All):
        return _and(trues), _or(falses)
    assert isinstance(node, Any_)
    return _or(trues), _and(falses)


def _and(qs: list[Q]) -> Q:
    return reduce(lambda a, b: a & b, qs)


def _or(qs: list[Q]) -> Q:
    return reduce(lambda a, b: a | b, qs)


def _column(fact: Fact, subject: Subject, name: str | None = None) -> str:
    prefix = "enterprise__" if fact.subject != subject else ""
    return prefix + (name or fact.orm_field)


def _known(fact: Fact, subject: Subject, names: tuple[str, ...]) -> Q:
    return _and([Q(**{f"{_column(fact, subject, n)}__isnull": False}) for n in names])


def _compare(lhs: Any, op: str, value: Any) -> Q:
    """`lhs op value` for a known lhs (an F() or expression)."""
    if op in ("ne", "not_in"):
        return ~_compare(lhs, COMPLEMENT[op], value)
    lookup = {"eq": Exact, "lt": LessThan, "lte": LessThanOrEqual, "gt": GreaterThan,
              "gte": GreaterThanOrEqual, "in": In}[op]  # fmt: skip
    if op == "in":
        value = sorted(value)
    return Q(lookup(lhs, value))


def _plain(lhs: Any, op: str, value: Any) -> QPair:
    """(TRUE, FALSE) of `lhs op value`, lhs known."""
    if op == "between":
        low, high = value
        return _compare(lhs, "gte", low) & _compare(lhs, "lte", high), (
            _compare(lhs, "lt", low) | _compare(lhs, "gt", high)
        )
    if op == "contains":
        raise NotImplementedError("no list fact is stored in a column yet")
    return _compare(lhs, op, value), _compare(lhs, COMPLEMENT[op], value)


def _cond(node: Cond, as_of: date, subject: Subject) -> QPair:
    fact = node.fact
    builder = _DERIVED.get(fact.name)
    if builder is None:
        true, false = _plain(F(_column(fact, subject)), node.op, node.value)
        inputs: tuple[str, ...] = (fact.name,)
    else:
        true, false = builder(node, as_of, subject)
        inputs = ()  # the builder guards its own inputs
    if inputs:
        known = _known(fact, subject, inputs)
        return known & true, known & false
    return true, false


# --- derived facts: one builder each, side by side with facts.py's compute functions ---------


def _years_ago(as_of: date, years: int) -> date:
    """`as_of` moved back `years` years (29 Feb → 28 Feb), clamped to the calendar."""
    year = min(max(as_of.year - years, 1), 9999)
    day = as_of.day
    if as_of.month == 2 and day == 29 and not calendar.isleap(year):
        day = 28
    return date(year, as_of.month, day)


def _whole_years(input_name: str) -> Callable[[Cond, date, Subject], QPair]:
    """Whole years since a date column: `years >= n` ⇔ `column <= as_of − n years`."""

    def build(node: Cond, as_of: date, subject: Subject) -> QPair:
        column = F(_column(node.fact, subject, input_name))

        def at_least(n: int) -> Q:
            return _compare(column, "lte", _years_ago(as_of, n))

        def below(n: int) -> Q:
            return _compare(column, "gt", _years_ago(as_of, n))

        def exactly(n: int) -> Q:
            return at_least(n) & below(n + 1)

        def other_than(n: int) -> Q:
            return below(n) | at_least(n + 1)

        op, v = node.op, node.value
        table: dict[str, Callable[[], QPair]] = {
            "eq": lambda: (exactly(v), other_than(v)),
            "ne": lambda: (other_than(v), exactly(v)),
            "lt": lambda: (below(v), at_least(v)),
            "gte": lambda: (at_least(v), below(v)),
            "lte": lambda: (below(v + 1), at_least(v + 1)),
            "gt": lambda: (at_least(v + 1), below(v + 1)),
            "in": lambda: (_or([exactly(n) for n in v]), _and([other_than(n) for n in v])),
            "not_in": lambda: (_and([other_than(n) for n in v]), _or([exactly(n) for n in v])),
            "between": lambda: (
                at_least(v[0]) & below(v[1] + 1),
                below(v[0]) | at_least(v[1] + 1),
            ),
        }
        true, false = table[op]()
        known = _known(node.fact, subject, (input_name,))
        return known & true, known & false

    return build


def _hte_last_year(node: Cond, as_of: date, subject: Subject) -> QPair:
    column = F(_column(node.fact, subject, "high_tech_certified_on"))
    year = as_of.year - 1
    inside = _compare(column, "gte", date(year, 1, 1)) & _compare(column, "lte", date(year, 12, 31))
    outside = _compare(column, "lt", date(year, 1, 1)) | _compare(column, "gt", date(year, 12, 31))
    wanted = {"eq": node.value, "ne": not node.value}[node.op]
    true, false = (inside, outside) if wanted else (outside, inside)
    known = _known(node.fact, subject, ("high_tech_certified_on",))
    return known & true, known & false


def _rd_intensity(node: Cond, as_of: date, subject: Subject) -> QPair:
    # rd / revenue op t  ⇔  rd op t × revenue, as revenue > 0 whenever the ratio is known.
    rd = F(_column(node.fact, subject, "rd_expense"))
    revenue = F(_column(node.fact, subject, "annual_revenue"))

    # Thresholds are scaled to whole numbers (0.04 → rd × 100 op revenue × 4): on SQLite, which
    # computes in binary floating point, this keeps whole-yuan comparisons exact.
    digits = max(_decimals(t) for t in _thresholds(node.value))
    scale = Value(Decimal(10) ** digits)
    scaled_rd = rd * scale

    def scaled(t: Decimal) -> Combinable:
        return revenue * Value(t.scaleb(digits).normalize())

    op, v = node.op, node.value
    if op == "between":
        true = _compare(scaled_rd, "gte", scaled(v[0])) & _compare(scaled_rd, "lte", scaled(v[1]))
        false = _compare(scaled_rd, "lt", scaled(v[0])) | _compare(scaled_rd, "gt", scaled(v[1]))
    elif op in ("in", "not_in"):
        hits = _or([_compare(scaled_rd, "eq", scaled(t)) for t in v])
        misses = _and([~_compare(scaled_rd, "eq", scaled(t)) for t in v])
        true, false = (hits, misses) if op == "in" else (misses, hits)
    else:
        true, false = (
            _compare(scaled_rd, op, scaled(v)),
            _compare(scaled_rd, COMPLEMENT[op], scaled(v)),
        )
    known = _known(node.fact, subject, ("rd_expense", "annual_revenue")) & _compare(
        revenue, "gt", Decimal(0)
    )
    return known & true, known & false


def _thresholds(value: Any) -> list[Decimal]:
    return list(value) if isinstance(value, tuple | frozenset) else [value]


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(-exponent, 0) if isinstance(exponent, int) else 0


def _interest(node: Cond, as_of: date, subject: Subject) -> QPair:
    paid = F(_column(node.fact, subject, "interest_paid"))
    amount = F(_column(node.fact, subject, "amount"))
    rate = F(_column(node.fact, subject, "rate"))
    interest = Coalesce(paid, amount * rate)
    true, false = _plain(interest, node.op, node.value)
    known = _known(node.fact, subject, ("interest_paid",)) | _known(
        node.fact, subject, ("amount", "rate")
    )
    return known & true, known & false


_DERIVED: dict[str, Callable[[Cond, date, Subject], QPair]] = {
    "enterprise_age_years": _whole_years("registered_on"),
    "years_since_hte_certified": _whole_years("high_tech_certified_on"),
    "years_since_hukou_transfer": _whole_years("hukou_transferred_on"),
    "age": _whole_years("born_on"),
    "hte_certified_last_calendar_year": _hte_last_year,
    "rd_intensity": _rd_intensity,
    "interest": _interest,
}


# --- the daily re-match: which rows can change outcome on a given day -------------------------

_YEARS_SINCE = {
    "enterprise_age_years": "registered_on",
    "years_since_hte_certified": "high_tech_certified_on",
    "years_since_hukou_transfer": "hukou_transferred_on",
    "age": "born_on",
}


def _boundaries(op: str, value: Any) -> set[int]:
    """The whole-year counts at which `years op value` changes outcome (reached that day)."""
    values = sorted(value) if op in ("in", "not_in") else [value]
    if op == "between":
        return {value[0], value[1] + 1}
    if op in ("lt", "gte"):
        return {value}
    if op in ("lte", "gt"):
        return {value + 1}
    return {n for v in values for n in (v, v + 1)}  # eq, ne, in, not_in


def _anniversaries(as_of: date, years: int) -> list[date]:
    """The dates that are exactly `years` whole years before `as_of` on that day (a 29 February
    completes its year on 1 March when the year has none)."""
    found = [_years_ago(as_of, years)]
    year = as_of.year - years
    if (
        (as_of.month, as_of.day) == (3, 1)
        and calendar.isleap(year)
        and not calendar.isleap(as_of.year)
    ):
        found.append(date(year, 2, 29))
    return [d for d in found if date.min < d]


def crossings_q(rules: list[Rule], *, as_of: date, subject: Subject) -> Q:
    """Rows whose outcome of some condition of `rules` may differ between the day before
    `as_of` and `as_of`: those whose date-derived facts reach a threshold that day. Conditions
    on stored values and on fixed dates never change with the calendar."""
    found: list[Q] = []
    for rule in rules:
        for cond in rule.conditions:
            name = cond.fact.name
            if name == "hte_certified_last_calendar_year":
                if (as_of.month, as_of.day) == (1, 1):
                    return ALWAYS
                continue
            column = _YEARS_SINCE.get(name)
            if column is None:
                continue
            dates = [d for n in _boundaries(cond.op, cond.value) for d in _anniversaries(as_of, n)]
            if dates:
                found.append(Q(**{f"{_column(cond.fact, subject, column)}__in": sorted(dates)}))
    return _or(found) if found else NEVER
