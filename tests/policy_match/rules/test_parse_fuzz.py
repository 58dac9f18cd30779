"""Fuzzing the rule parser, the formula parser and the catalogue document check.

Whatever they are given, they return a result or raise RuleError: nothing else (no KeyError,
TypeError, ValueError, RecursionError or decimal error), because every caller (the admin
form, load_catalogue, the catalogue upload) catches RuleError only and shows it on the field.

Random JSON alone rarely gets past the first check, so the strategies also build near-valid
input from the parser's own vocabulary: real fact names with values of their kind, every
operator, all/any/not groups, formulas with cases, and the seed catalogue's documents with a
few parts replaced by random values. `--hypothesis-show-statistics` shows how many examples
parsed and how many were refused.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, example, find, given, settings
from hypothesis import strategies as st

from policies.documents import BENEFIT_KEYS, KEYS, validate
from policy_match.rules import (
    FACTS,
    Fact,
    Kind,
    RuleError,
    coerce_value,
    parse,
    parse_formula,
)
from policy_match.rules.facts import NUMERIC_KINDS
from policy_match.rules.parse import BASIS_KEYS, OPERATORS
from policy_match.rules.parse_formula import FORMULA_OPS
from tests.conftest import SEEDS

FACT_NAMES = sorted(FACTS)
NUMERIC_FACTS = sorted(name for name, fact in FACTS.items() if fact.kind in NUMERIC_KINDS)
CODES = sorted({choice.code for fact in FACTS.values() for choice in fact.choices})
KEYWORDS = (
    *("all", "any", "not", "fact", "op", "value", "cases", "else", "when", "then"),
    *BASIS_KEYS,
    *OPERATORS,
    *FORMULA_OPS,
)
SEED_DOCUMENTS = [  # every version of every measure (a file holds one document per version)
    doc
    for path in sorted((SEEDS / "policies").glob("*.yaml"))
    for doc in yaml.safe_load_all(path.read_text(encoding="utf-8"))
]
# Enough to find something (hundreds of inputs that go deep), few enough for the file to run
# in about 15 seconds.
SETTINGS = settings(
    max_examples=800,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- strategies --------------------------------------------------------------------------------

words = st.sampled_from([*KEYWORDS, *FACT_NAMES, *CODES])
# Numbers written as text, the odd ones included (Python's Decimal and int read more than
# JSON numbers: underscores, other scripts' digits, NaN, exponents past any context).
numeric_text = st.one_of(
    st.integers().map(str),
    st.decimals().map(str),
    st.floats().map(repr),
    st.sampled_from(
        ["9" * 5000, "NaN", "-nan", "sNaN", "Infinity", "-inf", "1e999999999", "1_000", "٣٤",
         "1E+999999999999999999", " 12 ", "0x10", "", " ", "-0", "1e-999999999"]
    ),
)  # fmt: skip
date_text = st.one_of(
    st.dates().map(date.isoformat),
    st.sampled_from(["2025-02-30", "2025-13-01", "20250101", "2025-W01-1", "2025-01-01T08:00"]),
)
texts = st.one_of(words, numeric_text, date_text, st.text(max_size=8))
# floats() includes NaN and ±infinity: a Python caller (or a YAML .nan) can hand them over.
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), texts)
# What yaml.safe_load adds to JSON: dates, datetimes (and Decimals from Python callers).
yaml_scalars = st.one_of(json_scalars, st.dates(), st.datetimes(), st.decimals())


def _containers(scalars: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(words, inner, max_size=3)
        ),
        max_leaves=10,
    )


json_values = _containers(json_scalars)
yaml_values = _containers(yaml_scalars)
# The operators each kind of fact takes (parse.py refuses the others).
_ORDERED = ("eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in", "between")
FITTING_OPS = {
    Kind.BOOL: ("eq", "ne"),
    Kind.CODE: ("eq", "ne", "in", "not_in"),
    Kind.CODES: ("contains",),
}


def _value_of(fact: Fact) -> st.SearchStrategy[Any]:
    """One value of the fact's own kind, as a catalogue would write it."""
    if fact.kind is Kind.BOOL:
        return st.booleans()
    if fact.kind is Kind.INT:
        return st.one_of(st.integers(-(10**6), 10**6), numeric_text)
    if fact.kind in (Kind.DECIMAL, Kind.RATIO):
        return st.one_of(st.decimals(places=3).map(str), st.integers(0, 10**9), st.floats())
    if fact.kind is Kind.DATE:
        return st.one_of(st.dates(), st.dates().map(date.isoformat), st.datetimes())
    return st.sampled_from([c.code for c in fact.choices] or ["any_code"])


@st.composite
def _condition(draw: st.DrawFn) -> dict[str, Any]:
    """Mostly a valid condition (a fact, an operator it takes, a value of its kind), then
    sometimes broken in one place."""
    fact = FACTS[draw(st.sampled_from(FACT_NAMES))]
    one = _value_of(fact)
    op = draw(st.sampled_from(FITTING_OPS.get(fact.kind, _ORDERED)))
    if op in ("in", "not_in"):
        value: Any = draw(st.lists(one, min_size=1, max_size=3))
    elif op == "between":
        value = draw(st.lists(one, min_size=2, max_size=2))
        with contextlib.suppress(RuleError, TypeError):  # low ≤ high, when they compare
            value.sort(key=lambda raw: coerce_value(fact, raw, ""))
    else:
        value = draw(one)
    cond: dict[str, Any] = {"fact": fact.name, "op": op, "value": value}
    if draw(st.booleans()):
        cond[draw(st.sampled_from(BASIS_KEYS))] = draw(texts)
    flaw = draw(st.sampled_from(["none"] * 6 + ["op", "value", "key", "drop"]))
    if flaw == "op":
        cond["op"] = draw(st.one_of(st.sampled_from(OPERATORS), json_scalars))
    elif flaw == "value":
        cond["value"] = draw(yaml_values)
    elif flaw == "key":
        cond[draw(words)] = draw(yaml_scalars)
    elif flaw == "drop":
        del cond[draw(st.sampled_from(sorted(cond)))]
    return cond


conditions = st.one_of(
    _condition(),
    _condition(),
    _condition(),
    st.fixed_dictionaries(
        {"fact": st.one_of(words, json_scalars), "op": st.one_of(words, json_scalars)},
        optional={"value": yaml_values},
    ),
)


def _group(key: str, inner: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    items = inner if key == "not" else st.lists(inner, min_size=1, max_size=3)
    return st.fixed_dictionaries({key: items}, optional={"stated": texts})


# Weighted towards conditions and well-formed groups (Hypothesis favours the first choices of
# one_of and sampled_from): random JSON is test_it_parses_or_refuses_any_json_as_a_rule's job.
rules = st.recursive(
    st.sampled_from(["condition"] * 9 + ["scalar"]).flatmap(
        lambda leaf: conditions if leaf == "condition" else yaml_scalars
    ),
    lambda inner: st.one_of(
        *[_group(key, inner) for key in ("all", "any", "not") for _ in range(2)],
        st.dictionaries(words, inner, max_size=3),
        st.lists(inner, max_size=3),
    ),
    max_leaves=8,
)
good_numbers = st.one_of(st.integers(-(10**9), 10**9), st.decimals(places=2, allow_nan=False))
numbers = st.one_of(st.integers(), st.floats(), st.decimals(), numeric_text, st.booleans())
fact_refs = st.sampled_from([*NUMERIC_FACTS, *FACT_NAMES[:3]]).map(lambda name: {"fact": name})


def _operation(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """An operation with two or three arguments (sub and div take exactly two)."""
    return st.builds(
        lambda op, args: {op: args},
        st.sampled_from(FORMULA_OPS),
        st.lists(inner, min_size=2, max_size=3),
    )


def _broken_operation(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda op, args: {op: args},
        st.one_of(st.sampled_from(FORMULA_OPS), words),
        st.one_of(st.lists(inner, max_size=3), inner),
    )


def _cases(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    case = st.fixed_dictionaries(
        {"when": rules, "then": st.one_of(st.none(), inner)}, optional={"else": inner}
    )
    return st.fixed_dictionaries(
        {"cases": st.one_of(st.lists(case, min_size=1, max_size=3), yaml_scalars)},
        optional={"else": st.one_of(st.none(), inner), "fact": words},
    )


formulas = st.recursive(
    st.one_of(good_numbers, fact_refs, good_numbers, fact_refs, numbers, yaml_scalars),
    lambda inner: st.one_of(
        _operation(inner),
        _operation(inner),
        _cases(inner),
        _broken_operation(inner),
        st.dictionaries(words, inner, max_size=2),
    ),
    max_leaves=8,
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path of every part of a document (mapping keys and list indexes)."""
    yield prefix
    if isinstance(data, dict | list):
        for key, value in data.items() if isinstance(data, dict) else enumerate(data):
            yield from _paths(value, (*prefix, key))


@st.composite
def documents(draw: st.DrawFn) -> Any:
    """A seed document with one to four parts replaced, removed or added; or any mapping."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.dictionaries(st.one_of(st.sampled_from(KEYS), words), yaml_values))
    doc = copy.deepcopy(draw(st.sampled_from(SEED_DOCUMENTS)))
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(list(_paths(doc))))
        if not path:
            continue
        *parents, last = path
        parent = doc
        for key in parents:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "dates", "rule", "formula", "delete"]))
        if action == "delete":
            del parent[last]
        elif action == "dates":  # the four dates are compared in pairs: give them odd values
            for key in ("valid_from", "valid_to", "apply_opens", "apply_closes"):
                doc[key] = draw(st.one_of(st.dates(), st.datetimes(), date_text, yaml_scalars))
        elif action == "rule":
            parent[last] = draw(rules)
        elif action == "formula":
            parent[last] = draw(formulas)
        else:
            parent[last] = draw(yaml_values)
        if isinstance(parent, dict) and draw(st.integers(0, 3)) == 0:
            extra = draw(st.sampled_from([*KEYS, *BENEFIT_KEYS, *KEYWORDS]))
            parent[extra] = draw(yaml_scalars)
    return doc


# --- the property -------------------------------------------------------------------------------


def _parses_or_refuses(check: Callable[[Any], Any], value: Any) -> None:
    """`check(value)` returns, or raises RuleError; any other exception fails the test."""
    try:
        check(value)
    except RuleError as exc:
        assert isinstance(exc.path, str) and exc.text("en") and exc.text("zh-hans")
        event("refused (RuleError)")
    else:
        event("parsed")


def _nested(depth: int, make: Callable[[Any], Any], leaf: Any) -> Any:
    value = leaf
    for _ in range(depth):
        value = make(value)
    return value


DEEP_RULE = _nested(5000, lambda inner: {"not": inner}, {"fact": "age", "op": "gt", "value": 1})
DEEP_FORMULA = _nested(5000, lambda inner: {"add": [inner, 1]}, 1)


@SETTINGS
@given(value=json_values)
@example(value={"fact": "employee_count", "op": "eq", "value": "9" * 5000})  # int digit limit
@example(value={"fact": "employee_count", "op": "between", "value": ["1", "9" * 5000]})
@example(value=DEEP_RULE)  # RecursionError
def test_it_parses_or_refuses_any_json_as_a_rule(value: Any) -> None:
    _parses_or_refuses(parse, value)


@settings(SETTINGS, max_examples=600)  # its inputs are the slowest to build
@given(value=rules)
def test_it_parses_or_refuses_any_near_valid_rule(value: Any) -> None:
    _parses_or_refuses(parse, value)


@SETTINGS
@given(value=st.one_of(formulas, json_values))
@example(value=DEEP_FORMULA)  # RecursionError
@example(value={"cases": [{"when": DEEP_RULE, "then": 1}]})
@example(value={"mul": [{"fact": "employee_count"}, "1e999999999999999999"]})
def test_it_parses_or_refuses_any_formula(value: Any) -> None:
    _parses_or_refuses(parse_formula, value)


@settings(SETTINGS, max_examples=500)
@given(doc=documents())
@example(  # YAML reads `2025-03-26 09:00` as a datetime, which cannot be compared to a date
    doc={**SEED_DOCUMENTS[0], "valid_from": datetime(2025, 3, 26, 9), "valid_to": date(2026, 1, 1)}
)
@example(doc={**SEED_DOCUMENTS[0], "rule": DEEP_RULE})
def test_it_validates_or_refuses_any_catalogue_document(doc: Any) -> None:
    _parses_or_refuses(validate, doc)


# --- the strategies reach past the first check ---------------------------------------------------


@pytest.mark.parametrize(
    ("strategy", "check"),
    [(rules, parse), (formulas, parse_formula), (documents(), validate)],
    ids=["rules", "formulas", "documents"],
)
def test_it_generates_input_that_parses(strategy: st.SearchStrategy[Any], check: Any) -> None:
    # A fuzz whose every example is refused at the top would test one branch: each strategy
    # must be able to produce an input that goes all the way through.
    def parses(value: Any) -> bool:
        try:
            check(value)
        except RuleError:
            return False
        return value is not None and value != {}

    find(strategy, parses, settings=settings(max_examples=2000, database=None))


def test_it_accepts_every_seed_document_unchanged() -> None:
    for doc in SEED_DOCUMENTS:
        validate(doc)
