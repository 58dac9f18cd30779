"""evaluate() and to_q() must agree: random rules × random stored profiles, nulls included.

Runs on whichever database the suite runs on (CI: SQLite, then PostgreSQL). SQLite stores
decimals as binary floats, so there money is drawn in whole yuan; PostgreSQL gets fen too.
"""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enterprises.models import Enterprise, Loan, Person
from enterprises.selectors import enterprise_profile
from policy_match.rules import FACTS, TRUE, UNKNOWN, Fact, Kind, Subject, evaluate, parse
from policy_match.rules.parse import _OPS_BY_KIND
from policy_match.rules.to_q import to_q, to_q_false, to_q_unknown

pytestmark = pytest.mark.django_db

EXACT_DECIMALS = connection.vendor == "postgresql"
MONEY_POINTS = [0, 1, 7, 175, 9999, 10000, 10001, 1000000, 10000000, 30000000]


def _money() -> st.SearchStrategy[Decimal]:
    whole = st.one_of(st.sampled_from(MONEY_POINTS), st.integers(0, 40_000_000)).map(Decimal)
    if not EXACT_DECIMALS:
        return whole
    fen = st.decimals(min_value=0, max_value=40_000_000, places=2, allow_nan=False)
    return st.one_of(whole, fen)


AS_OF_DATES = [date(2026, 11, 23), date(2028, 2, 29), date(2025, 12, 1), date(2027, 1, 1)]
# Dates on and next to the anniversaries of every as_of, where whole-year bounds are decided.
BOUNDARY_DATES = sorted(
    {
        date(d.year - k, d.month, 28 if (d.month, d.day) == (2, 29) else d.day) + timedelta(days=s)
        for d in AS_OF_DATES
        for k in range(0, 5)
        for s in (-1, 0, 1)
    }
)


def _values(fact: Fact) -> st.SearchStrategy[Any]:
    if fact.kind is Kind.BOOL:
        return st.booleans()
    if fact.kind is Kind.INT:
        return st.integers(0, 5) if fact.derived else st.integers(0, 60)
    if fact.kind is Kind.DECIMAL:
        return _money()
    if fact.kind is Kind.RATIO:
        return st.sampled_from(["0", "0.035", "0.04", "0.05", "0.2", "0.5", "1", "1.25"]).map(
            Decimal
        )
    if fact.kind is Kind.DATE:
        return st.one_of(
            st.sampled_from(BOUNDARY_DATES),
            st.dates(min_value=date(2014, 1, 1), max_value=date(2028, 12, 31)),
        )
    return st.sampled_from(sorted(fact.choice_codes))


def _facts(subject: Subject) -> list[Fact]:
    return [
        f
        for f in FACTS.values()
        if f.subject in (Subject.ENTERPRISE, subject) and f.kind is not Kind.CODES
    ]


@st.composite
def _condition(draw: st.DrawFn, subject: Subject) -> dict[str, Any]:
    facts = _facts(subject)
    # Derived facts are compiled by hand-written SQL rewrites: draw them half of the time.
    fact = draw(st.one_of(st.sampled_from([f for f in facts if f.derived]), st.sampled_from(facts)))
    op = draw(st.sampled_from(sorted(_OPS_BY_KIND[fact.kind] - {"contains"})))
    values = _values(fact)
    if op in ("in", "not_in"):
        value: Any = draw(st.lists(values, min_size=1, max_size=3))
    elif op == "between":
        value = sorted(draw(st.lists(values, min_size=2, max_size=2)))
    else:
        value = draw(values)
    return {"fact": fact.name, "op": op, "value": _jsonable(value)}


def _jsonable(value: Any) -> Any:
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


def _rules(subject: Subject) -> st.SearchStrategy[dict[str, Any]]:
    return st.recursive(
        _condition(subject),
        lambda children: st.one_of(
            st.lists(children, min_size=1, max_size=3).map(lambda xs: {"all": xs}),
            st.lists(children, min_size=1, max_size=3).map(lambda xs: {"any": xs}),
            children.map(lambda x: {"not": x}),
        ),
        max_leaves=5,
    )


def _row(subject: Subject) -> st.SearchStrategy[dict[str, Any]]:
    stored = [f for f in FACTS.values() if f.subject == subject and not f.derived]
    return st.fixed_dictionaries({f.name: st.one_of(st.none(), _values(f)) for f in stored})


AS_OF = st.sampled_from(AS_OF_DATES)
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _check(rule_data: dict[str, Any], as_of: date, subject: Subject, rows: list[Any]) -> None:
    rule = parse(rule_data)
    model = {Subject.ENTERPRISE: Enterprise, Subject.PERSON: Person, Subject.LOAN: Loan}[subject]
    selected = {
        name: set(
            model.objects.filter(build(rule, as_of=as_of, subject=subject)).values_list(
                "pk", flat=True
            )
        )
        for name, build in (("true", to_q), ("false", to_q_false), ("unknown", to_q_unknown))
    }
    for enterprise, subject_row in rows:
        profile = enterprise_profile(enterprise=enterprise)
        ent, people, loans = profile.contexts(as_of)
        ctx = {
            Subject.ENTERPRISE: ent,
            Subject.PERSON: people and people[0][1],
            Subject.LOAN: loans and loans[0][1],
        }[subject]
        outcome, _ = evaluate(rule, ctx)
        expected = {TRUE: "true", UNKNOWN: "unknown"}.get(outcome, "false")
        found = [name for name, ids in selected.items() if subject_row.pk in ids]
        assert found == [expected], (rule_data, as_of, ctx, found)


@SETTINGS
@given(
    rule=_rules(Subject.ENTERPRISE),
    rows=st.lists(_row(Subject.ENTERPRISE), min_size=1, max_size=6),
    as_of=AS_OF,
)
def test_it_selects_the_same_enterprises_as_evaluate(rule: dict, rows: list, as_of: date) -> None:
    Enterprise.objects.all().delete()
    stored = [Enterprise.objects.create(name=f"e{i}", **row) for i, row in enumerate(rows)]

    _check(rule, as_of, Subject.ENTERPRISE, [(e, e) for e in stored])


@SETTINGS
@given(
    rule=_rules(Subject.LOAN),
    rows=st.lists(st.tuples(_row(Subject.ENTERPRISE), _row(Subject.LOAN)), min_size=1, max_size=5),
    as_of=AS_OF,
)
def test_it_selects_the_same_loans_as_evaluate(rule: dict, rows: list, as_of: date) -> None:
    Enterprise.objects.all().delete()
    pairs = []
    for i, (ent_row, loan_row) in enumerate(rows):
        enterprise = Enterprise.objects.create(name=f"e{i}", **ent_row)
        pairs.append((enterprise, Loan.objects.create(enterprise=enterprise, ref="l1", **loan_row)))

    _check(rule, as_of, Subject.LOAN, pairs)


@SETTINGS
@given(
    rule=_rules(Subject.PERSON),
    rows=st.lists(
        st.tuples(_row(Subject.ENTERPRISE), _row(Subject.PERSON)), min_size=1, max_size=5
    ),
    as_of=AS_OF,
)
def test_it_selects_the_same_people_as_evaluate(rule: dict, rows: list, as_of: date) -> None:
    Enterprise.objects.all().delete()
    pairs = []
    for i, (ent_row, person_row) in enumerate(rows):
        enterprise = Enterprise.objects.create(name=f"e{i}", **ent_row)
        pairs.append(
            (enterprise, Person.objects.create(enterprise=enterprise, ref="p1", **person_row))
        )

    _check(rule, as_of, Subject.PERSON, pairs)
