"""Three-valued evaluation: every operator on every fact kind, Kleene logic, derived facts."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from policy_match.rules import (
    FACTS,
    FALSE,
    OUTCOME_NAMES,
    TRUE,
    UNKNOWN,
    Fact,
    Kind,
    Rule,
    RuleError,
    Subject,
    Text,
    evaluate,
    parse,
    with_derived,
)
from policy_match.rules.nodes import Cond

ABSENT = object()  # the fact is not in the context at all (as opposed to None)

# fact, op, rule value, actual values giving TRUE, actual values giving FALSE
OPERATOR_TABLE: list[tuple[str, str, Any, list[Any], list[Any]]] = [
    # int
    ("employee_count", "eq", 10, [10], [11, 0]),
    ("employee_count", "ne", 10, [11, 0], [10]),
    ("employee_count", "lt", 10, [9, 0], [10, 11]),
    ("employee_count", "lte", 10, [10, 9], [11]),
    ("employee_count", "gt", 10, [11], [10, 9]),
    ("employee_count", "gte", 10, [10, 11], [9, 0]),
    ("employee_count", "in", [5, 10], [5, 10], [7, 0]),
    ("employee_count", "not_in", [5, 10], [7, 0], [5, 10]),
    ("employee_count", "between", [10, 50], [10, 30, 50], [9, 51]),
    ("employee_count", "gte", 0, [0], [-1]),
    # decimal money (yuan); the rule's "1000000" equals a context's 1000000.00
    ("annual_revenue", "eq", "1000000", [Decimal("1000000.00")], [Decimal("1000000.01")]),
    ("annual_revenue", "ne", "1000000", [Decimal("999999.99")], [Decimal("1000000.00")]),
    ("annual_revenue", "lt", "1000000", [Decimal("999999.99")], [Decimal("1000000")]),
    ("annual_revenue", "lte", "1000000", [Decimal("1000000")], [Decimal("1000000.01")]),
    ("annual_revenue", "gt", "1000000", [Decimal("1000000.01")], [Decimal("1000000")]),
    ("annual_revenue", "gte", "1000000", [Decimal("1000000")], [Decimal("999999.99")]),
    (
        "annual_revenue",
        "in",
        ["1000000", "2000000"],
        [Decimal("2000000.00")],
        [Decimal("1500000")],
    ),
    (
        "annual_revenue",
        "not_in",
        ["1000000", "2000000"],
        [Decimal("1500000")],
        [Decimal("1000000.00")],
    ),
    (
        "annual_revenue",
        "between",
        ["1000000", "5000000"],
        [Decimal("1000000"), Decimal("5000000.00")],
        [Decimal("999999.99"), Decimal("5000000.01")],
    ),
    ("annual_revenue", "gte", 0, [Decimal("0")], [Decimal("-0.01")]),
    # ratio (0.2 = 20 %); a JSON float becomes the exact decimal it reads as
    ("revenue_growth_rate", "eq", 0.2, [Decimal("0.20")], [Decimal("0.21")]),
    ("revenue_growth_rate", "ne", 0.2, [Decimal("0.21")], [Decimal("0.2")]),
    ("revenue_growth_rate", "lt", 0.2, [Decimal("0.19")], [Decimal("0.2")]),
    ("revenue_growth_rate", "lte", 0.2, [Decimal("0.2")], [Decimal("0.2001")]),
    ("revenue_growth_rate", "gt", 0.2, [Decimal("0.2001")], [Decimal("0.2")]),
    ("revenue_growth_rate", "gte", 0.2, [Decimal("0.2")], [Decimal("0.1999")]),
    ("revenue_growth_rate", "in", [0.1, 0.2], [Decimal("0.1")], [Decimal("0.15")]),
    ("revenue_growth_rate", "not_in", [0.1, 0.2], [Decimal("0.15")], [Decimal("0.2")]),
    (
        "revenue_growth_rate",
        "between",
        [0.1, 0.3],
        [Decimal("0.1"), Decimal("0.3")],
        [Decimal("0.0999"), Decimal("0.3001")],
    ),
    # date
    ("registered_on", "eq", "2022-12-01", [date(2022, 12, 1)], [date(2022, 12, 2)]),
    ("registered_on", "ne", "2022-12-01", [date(2022, 12, 2)], [date(2022, 12, 1)]),
    ("registered_on", "lt", "2022-12-01", [date(2022, 11, 30)], [date(2022, 12, 1)]),
    ("registered_on", "lte", "2022-12-01", [date(2022, 12, 1)], [date(2022, 12, 2)]),
    ("registered_on", "gt", "2022-12-01", [date(2022, 12, 2)], [date(2022, 12, 1)]),
    ("registered_on", "gte", "2022-12-01", [date(2022, 12, 1)], [date(2022, 11, 30)]),
    (
        "registered_on",
        "in",
        ["2022-12-01", "2023-01-01"],
        [date(2023, 1, 1)],
        [date(2022, 12, 31)],
    ),
    (
        "registered_on",
        "not_in",
        ["2022-12-01", "2023-01-01"],
        [date(2022, 12, 31)],
        [date(2022, 12, 1)],
    ),
    (
        "registered_on",
        "between",
        ["2022-01-01", "2022-12-31"],
        [date(2022, 1, 1), date(2022, 12, 31)],
        [date(2021, 12, 31), date(2023, 1, 1)],
    ),
    # bool: False is a known answer, not an unknown one
    ("is_high_tech_enterprise", "eq", True, [True], [False]),
    ("is_high_tech_enterprise", "eq", False, [False], [True]),
    ("is_high_tech_enterprise", "ne", True, [False], [True]),
    # code
    ("registered_district", "eq", "nanshan", ["nanshan"], ["futian"]),
    ("registered_district", "ne", "nanshan", ["futian"], ["nanshan"]),
    ("registered_district", "in", ["nanshan", "qianhai"], ["qianhai"], ["futian"]),
    ("registered_district", "not_in", ["nanshan", "qianhai"], ["futian"], ["nanshan"]),
]


def _operator_cases() -> list[Any]:
    cases = []
    for fact, op, value, trues, falses in OPERATOR_TABLE:
        rows = [(a, TRUE) for a in trues] + [(a, FALSE) for a in falses]
        rows += [(ABSENT, UNKNOWN), (None, UNKNOWN)]
        for actual, expected in rows:
            shown = "absent" if actual is ABSENT else repr(actual)
            case_id = f"{fact}-{op}-{value}-{shown}-{OUTCOME_NAMES[expected]}"
            cases.append(pytest.param(fact, op, value, actual, expected, id=case_id))
    return cases


@pytest.mark.parametrize(("fact", "op", "value", "actual", "expected"), _operator_cases())
def test_it_evaluates_each_operator_to_true_false_or_unknown(
    fact: str, op: str, value: Any, actual: Any, expected: int
) -> None:
    rule = parse({"fact": fact, "op": op, "value": value})
    ctx = {} if actual is ABSENT else {fact: actual}

    outcome, trace = evaluate(rule, ctx)

    assert OUTCOME_NAMES[outcome] == OUTCOME_NAMES[expected]
    assert trace == (expected,)


def test_it_covers_every_operator_on_every_kind_of_fact_in_the_table() -> None:
    kinds_by_op: dict[str, set[Kind]] = {}

    for fact, op, *_ in OPERATOR_TABLE:
        kinds_by_op.setdefault(op, set()).add(FACTS[fact].kind)

    ordered = {Kind.INT, Kind.DECIMAL, Kind.RATIO, Kind.DATE}
    assert kinds_by_op == {
        "eq": ordered | {Kind.BOOL, Kind.CODE},
        "ne": ordered | {Kind.BOOL, Kind.CODE},
        "lt": ordered,
        "lte": ordered,
        "gt": ordered,
        "gte": ordered,
        "in": ordered | {Kind.CODE},
        "not_in": ordered | {Kind.CODE},
        "between": ordered,
    }


def test_it_rejects_contains_on_a_code_fact_because_it_is_for_lists_of_codes() -> None:
    data = {"all": [{"fact": "industry", "op": "contains", "value": "ai"}]}

    with pytest.raises(RuleError) as caught:
        parse(data)

    assert caught.value.path == "all[0].op"


TAGS = Fact(
    "tags",
    Subject.ENTERPRISE,
    Kind.CODES,
    Text("标签", "Tags"),
    Text("测试用", "for tests"),
    choices=FACTS["industry"].choices,
)


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (["ai", "robotics"], TRUE),
        (["robotics"], FALSE),
        ([], FALSE),
        (None, UNKNOWN),
        (ABSENT, UNKNOWN),
    ],
)
def test_it_evaluates_contains_on_a_list_of_codes(actual: Any, expected: int) -> None:
    cond = Cond(0, "", TAGS, "contains", "ai")
    rule = Rule(cond, (cond,))
    ctx = {} if actual is ABSENT else {"tags": actual}

    outcome, trace = evaluate(rule, ctx)

    assert outcome == expected
    assert trace == (expected,)


# --- Kleene logic -----------------------------------------------------------------------------

T, F, U = TRUE, FALSE, UNKNOWN
CHILD_FACTS = ("is_strategic_emerging", "is_future_industry", "is_specialized_sme")


def _children(outcomes: tuple[int, ...]) -> tuple[list[dict[str, Any]], dict[str, bool]]:
    """Conditions whose outcomes are `outcomes`, and the context that gives them."""
    conds, ctx = [], {}
    for fact, outcome in zip(CHILD_FACTS, outcomes, strict=False):
        conds.append({"fact": fact, "op": "eq", "value": True})
        if outcome != UNKNOWN:
            ctx[fact] = outcome == TRUE
    return conds, ctx


def _spec_all(outcomes: tuple[int, ...]) -> int:
    # design §4, word for word: FALSE if any child is FALSE, else UNKNOWN if any is, else TRUE
    if FALSE in outcomes:
        return FALSE
    return UNKNOWN if UNKNOWN in outcomes else TRUE


def _spec_any(outcomes: tuple[int, ...]) -> int:
    if TRUE in outcomes:
        return TRUE
    return UNKNOWN if UNKNOWN in outcomes else FALSE


ALL_TABLE = [
    ((T, T), T), ((T, F), F), ((T, U), U),
    ((F, T), F), ((F, F), F), ((F, U), F),
    ((U, T), U), ((U, F), F), ((U, U), U),
    ((T,), T), ((F,), F), ((U,), U),
]  # fmt: skip
ANY_TABLE = [
    ((T, T), T), ((T, F), T), ((T, U), T),
    ((F, T), T), ((F, F), F), ((F, U), U),
    ((U, T), T), ((U, F), U), ((U, U), U),
    ((T,), T), ((F,), F), ((U,), U),
]  # fmt: skip
THREE_CHILDREN = [(a, b, c) for a in (T, F, U) for b in (T, F, U) for c in (T, F, U)]


def _case_id(value: Any) -> str:
    if isinstance(value, tuple):
        return ",".join(OUTCOME_NAMES[v] for v in value)
    return OUTCOME_NAMES[value]


@pytest.mark.parametrize(
    ("group", "children", "expected"),
    [("all", c, e) for c, e in ALL_TABLE]
    + [("any", c, e) for c, e in ANY_TABLE]
    + [("all", c, _spec_all(c)) for c in THREE_CHILDREN]
    + [("any", c, _spec_any(c)) for c in THREE_CHILDREN],
    ids=lambda value: _case_id(value) if not isinstance(value, str) else value,
)
def test_it_combines_children_with_kleene_all_and_any(
    group: str, children: tuple[int, ...], expected: int
) -> None:
    conds, ctx = _children(children)
    rule = parse({group: conds})

    outcome, trace = evaluate(rule, ctx)

    assert OUTCOME_NAMES[outcome] == OUTCOME_NAMES[expected]
    assert trace == (expected, *children)


@pytest.mark.parametrize(("child", "expected"), [(T, F), (F, T), (U, U)], ids=_case_id)
def test_it_swaps_true_and_false_under_not_and_keeps_unknown(child: int, expected: int) -> None:
    (cond,), ctx = _children((child,))
    rule = parse({"not": cond})

    outcome, trace = evaluate(rule, ctx)

    assert outcome == expected
    assert trace == (expected, child)


@pytest.mark.parametrize(
    ("group", "children", "expected"),
    [
        ("all", (T, U), U),
        ("all", (T, F), T),
        ("all", (T, T), F),
        ("any", (T, U), F),
        ("any", (F, U), U),
        ("any", (F, F), T),
    ],
    ids=lambda value: _case_id(value) if not isinstance(value, str) else value,
)
def test_it_negates_a_whole_group_under_not(
    group: str, children: tuple[int, ...], expected: int
) -> None:
    conds, ctx = _children(children)
    rule = parse({"not": {group: conds}})

    outcome, _ = evaluate(rule, ctx)

    assert outcome == expected


def test_it_does_not_short_circuit_all_so_the_trace_holds_every_child() -> None:
    conds, ctx = _children((F, T, F))
    rule = parse({"all": conds})

    outcome, trace = evaluate(rule, ctx)

    assert outcome == FALSE
    # an unevaluated child would keep the trace's initial UNKNOWN
    assert trace == (FALSE, FALSE, TRUE, FALSE)


def test_it_does_not_short_circuit_any_so_the_trace_holds_every_child() -> None:
    conds, ctx = _children((T, F, T))
    rule = parse({"any": conds})

    outcome, trace = evaluate(rule, ctx)

    assert outcome == TRUE
    assert trace == (TRUE, TRUE, FALSE, TRUE)


def test_it_records_the_trace_in_rule_order_with_parents_before_children() -> None:
    rule = parse(
        {
            "all": [
                {"fact": "registered_district", "op": "eq", "value": "nanshan"},
                {
                    "any": [
                        {"fact": "industry", "op": "in", "value": ["ai", "robotics"]},
                        {"fact": "is_strategic_emerging", "op": "eq", "value": True},
                    ]
                },
                {"not": {"fact": "has_bad_credit", "op": "eq", "value": True}},
            ]
        }
    )
    ctx = {"registered_district": "nanshan", "industry": "gaming", "has_bad_credit": False}

    outcome, trace = evaluate(rule, ctx)

    assert outcome == UNKNOWN
    # all, district, any, industry, strategic (unknown), not, bad credit
    assert trace == (UNKNOWN, TRUE, UNKNOWN, FALSE, UNKNOWN, TRUE, FALSE)


# --- derived facts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("registered_on", "as_of", "expected"),
    [
        (date(2022, 12, 2), date(2025, 12, 1), 2),
        (date(2022, 12, 1), date(2025, 12, 1), 3),
        (date(2025, 12, 1), date(2025, 12, 1), 0),
        (date(2024, 12, 31), date(2025, 1, 1), 0),
        (date(2024, 1, 1), date(2024, 12, 31), 0),
        # a 29 February firm has its anniversary on 1 March in common years
        (date(2020, 2, 29), date(2021, 2, 28), 0),
        (date(2020, 2, 29), date(2021, 3, 1), 1),
        (date(2020, 2, 29), date(2024, 2, 28), 3),
        (date(2020, 2, 29), date(2024, 2, 29), 4),
        (date(2019, 3, 1), date(2024, 2, 29), 4),
        (date(2019, 2, 28), date(2024, 2, 29), 5),
        (None, date(2025, 12, 1), None),
    ],
    ids=str,
)
def test_it_derives_the_enterprise_age_in_completed_years(
    registered_on: date | None, as_of: date, expected: int | None
) -> None:
    values: dict[str, Any] = {"registered_on": registered_on}

    result = with_derived(Subject.ENTERPRISE, values, as_of)

    assert result is values
    assert result["enterprise_age_years"] == expected


@pytest.mark.parametrize(
    ("registered_on", "expected"),
    [(date(2022, 12, 2), TRUE), (date(2022, 12, 1), FALSE), (ABSENT, UNKNOWN)],
    ids=str,
)
def test_it_evaluates_a_rule_on_the_enterprise_age_at_the_evaluation_date(
    registered_on: Any, expected: int
) -> None:
    rule = parse({"fact": "enterprise_age_years", "op": "lt", "value": 3})
    values = {} if registered_on is ABSENT else {"registered_on": registered_on}
    ctx = with_derived(Subject.ENTERPRISE, values, date(2025, 12, 1))

    outcome, _ = evaluate(rule, ctx)

    assert outcome == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"rd_expense": Decimal("300000"), "annual_revenue": Decimal("1000000")}, Decimal("0.3")),
        ({"rd_expense": Decimal("50000"), "annual_revenue": Decimal("200000")}, Decimal("0.25")),
        ({"rd_expense": Decimal("0"), "annual_revenue": Decimal("1000000")}, Decimal("0")),
        ({"rd_expense": Decimal("300000"), "annual_revenue": Decimal("0")}, None),
        ({"rd_expense": Decimal("300000"), "annual_revenue": Decimal("0.00")}, None),
        ({"rd_expense": Decimal("0"), "annual_revenue": Decimal("0")}, None),
        ({"rd_expense": Decimal("300000"), "annual_revenue": Decimal("-1000000")}, None),
        ({"rd_expense": None, "annual_revenue": Decimal("1000000")}, None),
        ({"rd_expense": Decimal("300000"), "annual_revenue": None}, None),
        ({"annual_revenue": Decimal("1000000")}, None),
        ({"rd_expense": Decimal("300000")}, None),
        ({}, None),
    ],
)
def test_it_derives_rd_intensity_and_leaves_it_unknown_without_a_positive_revenue(
    values: dict[str, Any], expected: Decimal | None
) -> None:
    result = with_derived(Subject.ENTERPRISE, dict(values), date(2025, 6, 1))

    if expected is None:
        assert result["rd_intensity"] is None
    else:
        assert isinstance(result["rd_intensity"], Decimal)
        assert result["rd_intensity"] == expected


def test_it_treats_rd_intensity_with_zero_revenue_as_unknown_not_false() -> None:
    rule = parse({"fact": "rd_intensity", "op": "gte", "value": 0.03})
    values = {"rd_expense": Decimal("300000"), "annual_revenue": Decimal("0")}
    ctx = with_derived(Subject.ENTERPRISE, values, date(2025, 6, 1))

    outcome, _ = evaluate(rule, ctx)

    assert outcome == UNKNOWN


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {"interest_paid": Decimal("1234.56"), "amount": Decimal("1000000"), "rate": 0.035},
            Decimal("1234.56"),
        ),
        ({"interest_paid": Decimal("1234.56")}, Decimal("1234.56")),
        (
            {"interest_paid": Decimal("0"), "amount": Decimal("1000000"), "rate": Decimal("0.035")},
            Decimal("0"),
        ),
        (
            {"interest_paid": None, "amount": Decimal("1000000"), "rate": Decimal("0.035")},
            Decimal("35000"),
        ),
        ({"amount": Decimal("2500000"), "rate": Decimal("0.0315")}, Decimal("78750")),
        ({"amount": Decimal("1000000")}, None),
        ({"rate": Decimal("0.035")}, None),
        ({"interest_paid": None, "amount": None, "rate": None}, None),
        ({}, None),
    ],
)
def test_it_derives_interest_from_the_interest_paid_else_amount_times_rate(
    values: dict[str, Any], expected: Decimal | None
) -> None:
    result = with_derived(Subject.LOAN, dict(values), date(2025, 6, 1))

    if expected is None:
        assert result["interest"] is None
    else:
        assert isinstance(result["interest"], Decimal)
        assert result["interest"] == expected


@pytest.mark.parametrize(
    ("certified_on", "as_of", "expected"),
    [
        (date(2024, 1, 1), date(2025, 6, 1), True),
        (date(2024, 12, 31), date(2025, 6, 1), True),
        (date(2025, 1, 1), date(2025, 6, 1), False),
        (date(2023, 12, 31), date(2025, 6, 1), False),
        (date(2025, 12, 31), date(2026, 1, 1), True),
        (date(2025, 12, 31), date(2025, 12, 31), False),
        (None, date(2025, 6, 1), None),
    ],
    ids=str,
)
def test_it_derives_whether_the_high_tech_certificate_dates_from_last_calendar_year(
    certified_on: date | None, as_of: date, expected: bool | None
) -> None:
    values: dict[str, Any] = {"high_tech_certified_on": certified_on}

    result = with_derived(Subject.ENTERPRISE, values, as_of)

    assert result["hte_certified_last_calendar_year"] is expected


@pytest.mark.parametrize(
    ("certified_on", "as_of", "expected"),
    [
        (date(2021, 11, 15), date(2025, 11, 14), 3),
        (date(2021, 11, 15), date(2025, 11, 15), 4),
        (None, date(2025, 11, 15), None),
    ],
    ids=str,
)
def test_it_derives_the_years_since_the_high_tech_certificate(
    certified_on: date | None, as_of: date, expected: int | None
) -> None:
    values: dict[str, Any] = {"high_tech_certified_on": certified_on}

    result = with_derived(Subject.ENTERPRISE, values, as_of)

    assert result["years_since_hte_certified"] == expected


@pytest.mark.parametrize(
    ("transferred_on", "as_of", "expected"),
    [
        (date(2020, 7, 1), date(2025, 6, 30), 4),
        (date(2020, 7, 1), date(2025, 7, 1), 5),
        (date(2025, 7, 1), date(2025, 7, 1), 0),
        (date(2024, 2, 29), date(2025, 2, 28), 0),
        (date(2024, 2, 29), date(2025, 3, 1), 1),
        (None, date(2025, 7, 1), None),
    ],
    ids=str,
)
def test_it_derives_the_years_since_the_hukou_moved_to_shenzhen(
    transferred_on: date | None, as_of: date, expected: int | None
) -> None:
    values: dict[str, Any] = {"hukou_transferred_on": transferred_on}

    result = with_derived(Subject.PERSON, values, as_of)

    assert result["years_since_hukou_transfer"] == expected


@pytest.mark.parametrize(
    ("subject", "derived"),
    [
        (
            Subject.ENTERPRISE,
            {
                "enterprise_age_years",
                "rd_intensity",
                "years_since_hte_certified",
                "hte_certified_last_calendar_year",
            },
        ),
        (Subject.PERSON, {"age", "years_since_hukou_transfer"}),
        (Subject.LOAN, {"interest"}),
    ],
)
def test_it_adds_only_the_subjects_own_derived_facts(subject: Subject, derived: set[str]) -> None:
    values: dict[str, Any] = {"employee_count": 3}

    result = with_derived(subject, values, date(2025, 6, 1))

    assert set(result) == {"employee_count"} | derived
    assert result["employee_count"] == 3
