"""Benefit formulas: Decimal arithmetic, unknown inputs, cases, rounding to the fen and caps."""

from decimal import Decimal
from typing import Any

import pytest

from policy_match.rules import compute, formula_facts, money, parse_formula

AMOUNT, RATE, INTEREST = {"fact": "amount"}, {"fact": "rate"}, {"fact": "interest"}
LOAN = {"amount": Decimal("1000000"), "rate": Decimal("0.035"), "interest": Decimal("35000")}


@pytest.mark.parametrize(
    ("formula", "ctx", "expected"),
    [
        pytest.param({"add": [0.1, 0.2]}, {}, "0.3", id="add-floats-exactly"),
        pytest.param({"add": ["0.1", "0.2", "0.3"]}, {}, "0.6", id="add-three"),
        pytest.param({"sub": [AMOUNT, "250000.50"]}, LOAN, "749999.50", id="sub"),
        pytest.param({"mul": [AMOUNT, RATE]}, LOAN, "35000", id="amount-times-rate"),
        pytest.param({"mul": [AMOUNT, RATE, 0.5]}, LOAN, "17500", id="mul-three"),
        pytest.param({"div": [AMOUNT, 3]}, LOAN, "333333.3333333333333333333333", id="div"),
        pytest.param({"min": [INTEREST, 30000]}, LOAN, "30000", id="min"),
        pytest.param({"max": [INTEREST, 30000, "40000"]}, LOAN, "40000", id="max"),
        pytest.param(
            {"min": [{"mul": [INTEREST, "0.5"]}, 300000]}, LOAN, "17500", id="nested-half-interest"
        ),
        pytest.param(
            {"min": [{"mul": [{"fact": "rd_expense"}, "0.1"]}, "1000000"]},
            {"rd_expense": Decimal("12345678.90")},
            "1000000",
            id="nested-capped-by-min",
        ),
        pytest.param({"fact": "employee_count"}, {"employee_count": 12}, "12", id="int-fact"),
        pytest.param({"fact": "amount"}, {"amount": Decimal("0")}, "0", id="zero-is-known"),
        pytest.param("123.45", {}, "123.45", id="number-string"),
        pytest.param(7, {}, "7", id="number"),
    ],
)
def test_it_computes_a_formula_in_exact_decimals(
    formula: Any, ctx: dict[str, Any], expected: str
) -> None:
    expr = parse_formula(formula)
    assert expr is not None

    result = compute(expr, ctx)

    assert isinstance(result, Decimal)
    assert result == Decimal(expected)


@pytest.mark.parametrize(
    ("formula", "ctx"),
    [
        pytest.param(AMOUNT, {}, id="fact-absent"),
        pytest.param(AMOUNT, {"amount": None}, id="fact-null"),
        pytest.param({"mul": [AMOUNT, RATE]}, {"amount": Decimal("1000000")}, id="one-input"),
        pytest.param({"min": [INTEREST, 300000]}, {}, id="min-with-an-unknown"),
        pytest.param({"max": [INTEREST, 0]}, {}, id="max-with-an-unknown"),
        pytest.param({"add": [{"mul": [AMOUNT, RATE]}, 100]}, {"rate": 1}, id="nested-unknown"),
        pytest.param({"div": [AMOUNT, 0]}, LOAN, id="division-by-zero"),
        pytest.param({"div": [0, {"fact": "rate"}]}, {"rate": Decimal("0")}, id="zero-over-zero"),
        pytest.param({"add": [{"div": [1, 0]}, 5]}, {}, id="division-by-zero-nested"),
    ],
)
def test_it_gives_none_never_zero_when_the_amount_cannot_be_known(
    formula: Any, ctx: dict[str, Any]
) -> None:
    expr = parse_formula(formula)
    assert expr is not None

    result = compute(expr, ctx)

    assert result is None
    assert money(result, Decimal("500000")) is None


BY_HEADCOUNT = {
    "cases": [
        {"when": {"fact": "employee_count", "op": "gte", "value": 100}, "then": 300000},
        {"when": {"fact": "employee_count", "op": "gte", "value": 10}, "then": 100000},
        {"when": {"fact": "employee_count", "op": "gte", "value": 5}, "then": None},
    ],
    "else": 20000,
}


@pytest.mark.parametrize(
    ("formula", "ctx", "expected"),
    [
        pytest.param(BY_HEADCOUNT, {"employee_count": 150}, "300000", id="first-match-wins"),
        pytest.param(BY_HEADCOUNT, {"employee_count": 100}, "300000", id="boundary"),
        pytest.param(BY_HEADCOUNT, {"employee_count": 99}, "100000", id="second-case"),
        pytest.param(BY_HEADCOUNT, {"employee_count": 7}, "0", id="then-null-is-zero"),
        pytest.param(BY_HEADCOUNT, {"employee_count": 2}, "20000", id="else"),
        pytest.param(BY_HEADCOUNT, {"employee_count": 0}, "20000", id="else-on-zero"),
        pytest.param(
            {"cases": BY_HEADCOUNT["cases"]}, {"employee_count": 2}, "0", id="no-else-is-zero"
        ),
        pytest.param(
            {"cases": BY_HEADCOUNT["cases"], "else": None},
            {"employee_count": 2},
            "0",
            id="else-null-is-zero",
        ),
        pytest.param(
            {
                "cases": [
                    {"when": {"fact": "product", "op": "eq", "value": "rd_loan"}, "then": 1},
                    {"when": {"fact": "is_founder", "op": "eq", "value": True}, "then": 2},
                ]
            },
            {"product": "rd_loan"},  # the second `when` is unknown but never needed
            "1",
            id="true-before-an-unknown-when",
        ),
        pytest.param(
            {
                "cases": [
                    {
                        "when": {"fact": "product", "op": "eq", "value": "rd_loan"},
                        "then": {"mul": [INTEREST, "0.5"]},
                    }
                ],
                "else": {"mul": [INTEREST, "0.3"]},
            },
            {"product": "growth_loan", "interest": Decimal("35000")},
            "10500",
            id="else-formula",
        ),
    ],
)
def test_it_takes_the_first_case_whose_condition_holds(
    formula: Any, ctx: dict[str, Any], expected: str
) -> None:
    expr = parse_formula(formula)
    assert expr is not None

    result = compute(expr, ctx)

    assert result == Decimal(expected)


@pytest.mark.parametrize(
    ("formula", "ctx"),
    [
        pytest.param(BY_HEADCOUNT, {}, id="first-when-unknown"),
        pytest.param(BY_HEADCOUNT, {"employee_count": None}, id="first-when-null"),
        pytest.param(
            {
                "cases": [
                    {"when": {"fact": "product", "op": "eq", "value": "rd_loan"}, "then": 1},
                    {"when": {"fact": "is_founder", "op": "eq", "value": True}, "then": 2},
                ],
                "else": 3,
            },
            {"product": "growth_loan"},
            id="later-when-unknown",
        ),
        pytest.param(
            {
                "cases": [
                    {
                        "when": {"fact": "product", "op": "eq", "value": "rd_loan"},
                        "then": {"mul": [AMOUNT, RATE]},
                    }
                ]
            },
            {"product": "rd_loan"},
            id="then-unknown",
        ),
        pytest.param(
            {
                "cases": [{"when": {"fact": "product", "op": "eq", "value": "rd_loan"}, "then": 1}],
                "else": AMOUNT,
            },
            {"product": "growth_loan"},
            id="else-unknown",
        ),
    ],
)
def test_it_gives_none_when_the_case_to_take_is_unknown(formula: Any, ctx: dict[str, Any]) -> None:
    expr = parse_formula(formula)
    assert expr is not None

    result = compute(expr, ctx)

    assert result is None


@pytest.mark.parametrize(
    ("value", "cap", "expected"),
    [
        pytest.param("0.005", None, "0.01", id="half-a-fen-rounds-up"),
        pytest.param("0.004", None, "0.00", id="under-half-a-fen-rounds-down"),
        pytest.param("2.675", None, "2.68", id="2.675-exact-not-float"),
        pytest.param("1.125", None, "1.13", id="half-up-not-half-even"),
        pytest.param("2.665", None, "2.67", id="half-up-not-half-even-2"),
        pytest.param("1234.5", None, "1234.50", id="pads-to-the-fen"),
        pytest.param("35000", None, "35000.00", id="whole-yuan"),
        pytest.param("0", None, "0.00", id="zero"),
        pytest.param("333333.3333333333333333333333", None, "333333.33", id="long-division"),
        pytest.param("600000", "500000", "500000.00", id="capped"),
        pytest.param("500000.004", "500000", "500000.00", id="rounded-to-the-cap"),
        pytest.param("499999.995", "500000", "500000.00", id="rounds-up-onto-the-cap"),
        pytest.param("499999.994", "500000", "499999.99", id="under-the-cap"),
        pytest.param("500000", "500000.00", "500000.00", id="exactly-the-cap"),
        pytest.param("-150", None, "0.00", id="negative-clamps-to-zero"),
        pytest.param("-150", "500000", "0.00", id="negative-with-a-cap"),
        pytest.param("-0.004", None, "0.00", id="tiny-negative-is-not-minus-zero"),
    ],
)
def test_it_rounds_money_half_up_to_the_fen_then_applies_the_cap(
    value: str, cap: str | None, expected: str
) -> None:
    result = money(Decimal(value), None if cap is None else Decimal(cap))

    assert isinstance(result, Decimal)
    assert str(result) == expected


def test_it_rounds_a_float_written_in_a_formula_as_the_decimal_it_reads_as() -> None:
    expr = parse_formula({"mul": [2.675, 1]})  # as a binary float 2.675 is 2.67499999…
    assert expr is not None

    result = money(compute(expr, {}), None)

    assert str(result) == "2.68"


def test_it_clamps_a_negative_formula_result_to_zero() -> None:
    expr = parse_formula({"sub": [{"fact": "amount"}, 250000]})
    assert expr is not None

    result = money(compute(expr, {"amount": Decimal("100000")}), Decimal("500000"))

    assert str(result) == "0.00"


def test_it_keeps_an_unknown_amount_unknown() -> None:
    assert money(None, None) is None
    assert money(None, Decimal("500000")) is None


def test_it_lists_every_fact_a_formula_may_read() -> None:
    expr = parse_formula(
        {
            "cases": [
                {
                    "when": {"fact": "product", "op": "eq", "value": "rd_loan"},
                    "then": {"mul": [INTEREST, "0.5"]},
                },
                {"when": {"fact": "is_founder", "op": "eq", "value": True}, "then": None},
            ],
            "else": {"min": [AMOUNT, {"fact": "guarantee_fee"}]},
        }
    )

    assert formula_facts(expr) == {"product", "interest", "is_founder", "amount", "guarantee_fee"}
    assert formula_facts(None) == frozenset()
    assert formula_facts(parse_formula(5)) == frozenset()
