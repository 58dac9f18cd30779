"""Parsing rules and formulas: what is rejected, where (the JSON path), and in both languages."""

import dataclasses
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from policy_match.rules import FACTS, TRUE, RuleError, Text, evaluate, parse, parse_formula
from policy_match.rules.nodes import All, Any_, Basis, Cond, FactRef, Not, Num, Op
from policy_match.rules.parse import MAX_DEPTH

CJK = re.compile(r"[\u4e00-\u9fff]")


def cond(fact: str = "employee_count", op: str = "gte", value: Any = 10, **extra: Any) -> dict:
    return {"fact": fact, "op": op, "value": value, **extra}


GOOD = cond()

INVALID_RULES = [
    # unknown fact
    pytest.param(cond(fact="headcount"), "fact", id="unknown-fact"),
    pytest.param({"all": [GOOD, cond(fact="headcount")]}, "all[1].fact", id="unknown-fact-nested"),
    pytest.param(
        {"all": [GOOD, GOOD, {"any": [cond(fact="nope")]}]},
        "all[2].any[0].fact",
        id="unknown-fact-deep",
    ),
    pytest.param(cond(fact=5), "fact", id="fact-not-a-string"),
    pytest.param({"all": [{"op": "eq", "value": 1}]}, "all[0]", id="no-fact-no-group"),
    # unknown or unfitting operator
    pytest.param(cond(op="like"), "op", id="unknown-op"),
    pytest.param({"all": [{"fact": "employee_count", "value": 1}]}, "all[0].op", id="missing-op"),
    pytest.param(
        {"all": [GOOD, cond("registered_district", "lt", "nanshan")]},
        "all[1].op",
        id="lt-on-code",
    ),
    pytest.param(
        cond("registered_district", "between", ["futian", "nanshan"]), "op", id="between-on-code"
    ),
    pytest.param(cond("is_high_tech_enterprise", "gt", True), "op", id="gt-on-bool"),
    pytest.param(cond("is_high_tech_enterprise", "in", [True]), "op", id="in-on-bool"),
    pytest.param(
        cond("is_high_tech_enterprise", "between", [False, True]), "op", id="between-on-bool"
    ),
    pytest.param(cond("employee_count", "contains", 3), "op", id="contains-on-int"),
    # a value of the wrong type
    pytest.param({"all": [cond(value="ten")]}, "all[0].value", id="word-for-int"),
    pytest.param(cond(value="3.5"), "value", id="decimal-string-for-int"),
    pytest.param(cond(value=3.5), "value", id="float-for-int"),
    pytest.param(cond(value=True), "value", id="bool-for-int"),
    pytest.param(cond(value=None), "value", id="null-for-int"),
    pytest.param(cond(value=[10]), "value", id="list-for-int"),
    pytest.param(cond("annual_revenue", value="lots"), "value", id="word-for-money"),
    pytest.param(cond("annual_revenue", value=True), "value", id="bool-for-money"),
    pytest.param(cond("annual_revenue", value="NaN"), "value", id="nan-for-money"),
    pytest.param(cond("annual_revenue", value="Infinity"), "value", id="infinity-for-money"),
    pytest.param(cond("annual_revenue", value={"yuan": 1}), "value", id="dict-for-money"),
    pytest.param(cond("revenue_growth_rate", value="20%"), "value", id="percent-for-ratio"),
    pytest.param(cond("is_high_tech_enterprise", "eq", "true"), "value", id="string-for-bool"),
    pytest.param(cond("is_high_tech_enterprise", "eq", 1), "value", id="int-for-bool"),
    pytest.param(cond("registered_on", "lt", "next year"), "value", id="word-for-date"),
    pytest.param(cond("registered_on", "lt", "2025-13-01"), "value", id="month-13"),
    pytest.param(cond("registered_on", "lt", "2025-02-29"), "value", id="feb-29-common-year"),
    pytest.param(cond("registered_on", "lt", 20250101), "value", id="int-for-date"),
    pytest.param(cond("registered_district", "eq", 1), "value", id="int-for-code"),
    # codes outside the choices
    pytest.param(cond("registered_district", "eq", "shekou"), "value", id="unknown-code"),
    pytest.param(cond("registered_district", "eq", "Nanshan"), "value", id="code-wrong-case"),
    pytest.param(
        {"any": [cond("industry", "in", ["ai", "blockchain"])]},
        "any[0].value[1]",
        id="unknown-code-in-list",
    ),
    pytest.param(
        {"all": [GOOD, GOOD, {"any": [cond("industry", "eq", "blockchain")]}]},
        "all[2].any[0].value",
        id="unknown-code-deep",
    ),
    pytest.param(cond("hukou_city", "eq", "Hang Zhou"), "value", id="open-code-bad-shape"),
    pytest.param(cond(value=[1, "x"], op="in"), "value[1]", id="bad-item-in-list"),
    # empty or non-lists
    pytest.param({"all": []}, "all", id="empty-all"),
    pytest.param({"any": []}, "any", id="empty-any"),
    pytest.param({"all": [{"any": []}]}, "all[0].any", id="empty-any-nested"),
    pytest.param({"all": GOOD}, "all", id="all-not-a-list"),
    pytest.param(cond("registered_district", "in", []), "value", id="empty-in"),
    pytest.param(cond("registered_district", "not_in", []), "value", id="empty-not-in"),
    pytest.param(cond("registered_district", "in", "nanshan"), "value", id="in-not-a-list"),
    # between
    pytest.param(cond(op="between", value=[50, 10]), "value", id="between-low-above-high"),
    pytest.param(
        {"all": [cond("registered_on", "between", ["2025-01-01", "2024-01-01"])]},
        "all[0].value",
        id="between-dates-reversed",
    ),
    pytest.param(
        cond("annual_revenue", "between", ["5000000", "1000000"]),
        "value",
        id="between-money-reversed",
    ),
    pytest.param(cond(op="between", value=[10]), "value", id="between-one-bound"),
    pytest.param(cond(op="between", value=[1, 2, 3]), "value", id="between-three-bounds"),
    pytest.param(cond(op="between", value=10), "value", id="between-not-a-list"),
    pytest.param(cond(op="between", value=[None, 10]), "value[0]", id="between-null-bound"),
    # unknown keys
    pytest.param(cond(note="why"), "note", id="unknown-key-on-condition"),
    pytest.param({"all": [cond(note="why")]}, "all[0].note", id="unknown-key-nested"),
    pytest.param({"all": [GOOD], "comment": "x"}, "comment", id="unknown-key-on-group"),
    pytest.param({"not": GOOD, "comment": "x"}, "comment", id="unknown-key-on-not"),
    # basis keys
    pytest.param(
        {"all": [cond(assumed="a", stated="b")]}, "all[0]", id="two-basis-keys-on-condition"
    ),
    pytest.param({"any": [GOOD], "derived": "a", "assumed": "b"}, "", id="two-basis-keys-on-group"),
    pytest.param({"all": [cond(assumed="")]}, "all[0].assumed", id="empty-basis"),
    pytest.param({"all": [cond(stated="  ")]}, "all[0].stated", id="blank-basis"),
    pytest.param({"all": [cond(derived=1)]}, "all[0].derived", id="basis-not-text"),
    # node shape
    pytest.param({"all": [{**GOOD, "all": [GOOD]}]}, "all[0]", id="fact-and-all"),
    pytest.param({**GOOD, "not": GOOD}, "", id="fact-and-not"),
    pytest.param({"all": [GOOD], "any": [GOOD]}, "", id="all-and-any"),
    pytest.param({"all": [{}]}, "all[0]", id="empty-node"),
    pytest.param({"all": ["employee_count"]}, "all[0]", id="node-is-a-string"),
    pytest.param([GOOD], "", id="root-is-a-list"),
    pytest.param(None, "", id="root-is-null"),
    pytest.param({"not": [GOOD]}, "not", id="not-over-a-list"),
    pytest.param({"all": [{"fact": "employee_count", "op": "eq"}]}, "all[0]", id="no-value"),
]


@pytest.mark.parametrize(("data", "path"), INVALID_RULES)
def test_it_rejects_an_invalid_rule_naming_the_json_path_in_both_languages(
    data: Any, path: str
) -> None:
    with pytest.raises(RuleError) as caught:
        parse(data)

    error = caught.value
    assert error.path == path
    assert error.message.zh.strip()
    assert error.message.en.strip()
    assert error.message.zh != error.message.en
    assert CJK.search(error.message.zh)
    assert not CJK.search(error.message.en)
    assert error.text("zh-hans") == (f"{path}: {error.message.zh}" if path else error.message.zh)
    assert error.text("en") == (f"{path}: {error.message.en}" if path else error.message.en)


def _nested(levels: int, wrap: Any, leaf: Any) -> Any:
    for _ in range(levels):
        leaf = wrap(leaf)
    return leaf


def test_it_refuses_a_rule_nested_deeper_than_the_limit_before_the_stack_runs_out() -> None:
    # Found by tests/policy_match/rules/test_parse_fuzz.py: 5000 levels were a RecursionError.
    at_limit = _nested(MAX_DEPTH, lambda inner: {"not": inner}, GOOD)

    with pytest.raises(RuleError) as caught:
        parse({"not": at_limit})

    assert caught.value.path == ".".join(["not"] * (MAX_DEPTH + 1))
    assert "nested more than" in caught.value.text("en")
    assert isinstance(parse(at_limit).root, Not)
    with pytest.raises(RuleError):
        parse(_nested(5000, lambda inner: {"all": [inner]}, GOOD))


def test_it_refuses_an_integer_with_more_digits_than_python_converts() -> None:
    # Found by the fuzz: int() of a 5000-digit string raises ValueError, not RuleError.
    with pytest.raises(RuleError) as caught:
        parse(cond(value="9" * 5000))

    assert caught.value.path == "value"


def test_it_prefixes_paths_with_the_path_it_is_given() -> None:
    data = {"all": [GOOD, cond(fact="nope")]}

    with pytest.raises(RuleError) as caught:
        parse(data, "rule")

    assert caught.value.path == "rule.all[1].fact"


def test_it_names_the_bad_value_in_the_message_of_a_code_outside_the_choices() -> None:
    data = cond("registered_district", "eq", "shekou")

    with pytest.raises(RuleError) as caught:
        parse(data)

    assert "shekou" in caught.value.message.zh
    assert "shekou" in caught.value.message.en
    assert "nanshan" in caught.value.message.en  # the allowed choices are listed


VALID_VALUES = [
    pytest.param(cond(value=10), 10, id="int"),
    pytest.param(cond(value="3"), 3, id="int-from-digits"),
    pytest.param(cond(value=0), 0, id="int-zero"),
    pytest.param(cond("annual_revenue", value="1000000"), Decimal("1000000"), id="money-string"),
    pytest.param(cond("annual_revenue", value=1000000), Decimal("1000000"), id="money-int"),
    pytest.param(cond("annual_revenue", value="1234.56"), Decimal("1234.56"), id="money-fen"),
    pytest.param(cond("revenue_growth_rate", value=0.1), Decimal("0.1"), id="ratio-float-exact"),
    pytest.param(cond("registered_on", "lt", "2022-12-01"), date(2022, 12, 1), id="date-string"),
    pytest.param(cond("registered_on", "lt", date(2022, 12, 1)), date(2022, 12, 1), id="date"),
    pytest.param(cond("registered_on", "lt", "2024-02-29"), date(2024, 2, 29), id="leap-day"),
    pytest.param(cond("is_high_tech_enterprise", "eq", False), False, id="bool"),
    pytest.param(cond("registered_district", "eq", "nanshan"), "nanshan", id="code"),
    pytest.param(cond("hukou_city", "eq", "hangzhou"), "hangzhou", id="open-code"),
    pytest.param(
        cond("registered_district", "in", ["qianhai", "nanshan"]),
        frozenset({"nanshan", "qianhai"}),
        id="in-list",
    ),
    pytest.param(cond(op="not_in", value=[1, 2]), frozenset({1, 2}), id="not-in-list"),
    pytest.param(cond(op="between", value=[10, 50]), (10, 50), id="between"),
    pytest.param(cond(op="between", value=[10, 10]), (10, 10), id="between-equal-bounds"),
    pytest.param(
        cond("annual_revenue", "between", ["1000000", 5000000]),
        (Decimal("1000000"), Decimal("5000000")),
        id="between-money",
    ),
]


@pytest.mark.parametrize(("data", "expected"), VALID_VALUES)
def test_it_normalises_a_valid_value_to_its_python_type(data: Any, expected: Any) -> None:
    rule = parse(data)

    assert isinstance(rule.root, Cond)
    assert rule.root.value == expected
    assert type(rule.root.value) is type(expected)
    if isinstance(expected, tuple | frozenset):
        assert {type(v) for v in rule.root.value} == {type(v) for v in expected}


def test_it_reads_a_float_ratio_as_the_decimal_it_is_written_as() -> None:
    rule = parse(cond("revenue_growth_rate", value=0.1))

    assert isinstance(rule.root, Cond)
    assert rule.root.value != Decimal.from_float(0.1)  # not the binary expansion
    assert str(rule.root.value) == "0.1"


def test_it_rejects_or_narrows_a_datetime_given_for_a_date_fact() -> None:
    # YAML reads `2025-01-01 08:00:00` as a datetime; comparing one with a stored date raises.
    data = cond("registered_on", "lt", datetime(2025, 1, 1, 8, 0))

    try:
        rule = parse(data)
    except RuleError as error:
        assert error.path == "value"
        return

    outcome, _ = evaluate(rule, {"registered_on": date(2024, 6, 1)})
    assert outcome == TRUE


def _b(kind: str, zh: str, en: str | None = None, source: str | None = None) -> Basis:
    return Basis(kind, Text(zh, en if en is not None else zh), source)


@pytest.mark.parametrize(
    ("data", "kind", "basis"),
    [
        (cond(assumed="按社保缴纳人数计"), Cond, _b("assumed", "按社保缴纳人数计")),
        (cond(stated="员工人数不少于10人"), Cond, _b("stated", "员工人数不少于10人")),
        (cond(derived="from headcount"), Cond, _b("derived", "from headcount")),
        ({"all": [GOOD], "stated": "同时满足"}, All, _b("stated", "同时满足")),
        ({"any": [GOOD], "assumed": "either"}, Any_, _b("assumed", "either")),
        ({"not": GOOD, "derived": "excluded"}, Not, _b("derived", "excluded")),
        (
            cond(assumed={"zh-hans": "按社保计", "en": "by social insurance"}, source="S9b"),
            Cond,
            _b("assumed", "按社保计", "by social insurance", "S9b"),
        ),
        (GOOD, Cond, None),
    ],
)
def test_it_keeps_the_basis_of_a_node(data: Any, kind: type, basis: Any) -> None:
    rule = parse(data)

    assert isinstance(rule.root, kind)
    assert rule.root.basis == basis


@pytest.mark.parametrize(
    ("extra", "path"),
    [
        ({"assumed": {"zh-hans": "只有中文"}}, "assumed"),
        ({"assumed": ""}, "assumed"),
        ({"source": "S5"}, "source"),  # a source with no basis
        ({"stated": "引文", "source": 5}, "source"),
    ],
)
def test_it_refuses_a_basis_it_cannot_show_in_both_languages(
    extra: dict[str, Any], path: str
) -> None:
    with pytest.raises(RuleError) as error:
        parse(cond(**extra))

    assert error.value.path == path


def test_it_keeps_a_basis_on_a_nested_condition_only() -> None:
    data = {"all": [GOOD, cond("registered_district", "eq", "nanshan", assumed="注册地即经营地")]}

    rule = parse(data)

    assert [n.basis for n in rule.nodes] == [None, None, _b("assumed", "注册地即经营地")]


def test_it_lists_every_node_in_rule_order_with_its_path() -> None:
    data = {
        "all": [
            cond("registered_district", "eq", "nanshan"),
            cond("enterprise_age_years", "lt", 3),
            {
                "any": [
                    cond("industry", "in", ["ai", "robotics"]),
                    cond("is_strategic_emerging", "eq", True),
                ]
            },
            {"not": cond("has_bad_credit", "eq", True)},
        ]
    }

    rule = parse(data)

    assert [n.index for n in rule.nodes] == list(range(8))
    assert [(type(n).__name__, n.path) for n in rule.nodes] == [
        ("All", ""),
        ("Cond", "all[0]"),
        ("Cond", "all[1]"),
        ("Any_", "all[2]"),
        ("Cond", "all[2].any[0]"),
        ("Cond", "all[2].any[1]"),
        ("Not", "all[3]"),
        ("Cond", "all[3].not"),
    ]
    assert [c.fact.name for c in rule.conditions] == [
        "registered_district",
        "enterprise_age_years",
        "industry",
        "is_strategic_emerging",
        "has_bad_credit",
    ]
    assert rule.facts == {c.fact.name for c in rule.conditions}


def test_it_builds_frozen_nodes() -> None:
    rule = parse(GOOD)

    with pytest.raises(dataclasses.FrozenInstanceError):
        rule.root.value = 99  # type: ignore[misc]


# --- formulas ---------------------------------------------------------------------------------

AMOUNT = {"fact": "amount"}

INVALID_FORMULAS = [
    pytest.param({"mul": [AMOUNT, {"fact": "nope"}]}, "formula.mul[1].fact", id="unknown-fact"),
    pytest.param(
        {"mul": [AMOUNT, {"fact": "registered_district"}]},
        "formula.mul[1].fact",
        id="code-fact",
    ),
    pytest.param({"fact": "registered_on"}, "formula.fact", id="date-fact"),
    pytest.param({"fact": "is_high_tech_enterprise"}, "formula.fact", id="bool-fact"),
    pytest.param(
        {"min": [{"add": [AMOUNT, {"fact": "product"}]}, 100]},
        "formula.min[0].add[1].fact",
        id="nested-code-fact",
    ),
    pytest.param({"sub": [1, 2, 3]}, "formula.sub", id="sub-three-args"),
    pytest.param({"div": [1]}, "formula.div", id="div-one-arg"),
    pytest.param({"div": [1, 2, 3]}, "formula.div", id="div-three-args"),
    pytest.param({"add": [1]}, "formula.add", id="add-one-arg"),
    pytest.param({"min": []}, "formula.min", id="min-no-args"),
    pytest.param({"max": 5}, "formula.max", id="args-not-a-list"),
    pytest.param({"pow": [2, 3]}, "formula.pow", id="unknown-operation"),
    pytest.param({"add": [1, 2], "mul": [1, 2]}, "formula.add", id="two-operations"),
    pytest.param({}, "formula", id="empty-object"),
    pytest.param({"a": 1, "b": 2, "c": 3}, "formula", id="three-keys"),
    pytest.param(True, "formula", id="bool"),
    pytest.param("abc", "formula", id="word"),
    pytest.param("NaN", "formula", id="nan"),
    pytest.param([1, 2], "formula", id="list"),
    pytest.param({"add": [1, None]}, "formula.add[1]", id="null-argument"),
    pytest.param({"add": [1, "x"]}, "formula.add[1]", id="word-argument"),
    # cases
    pytest.param({"cases": []}, "formula.cases", id="empty-cases"),
    pytest.param({"cases": {"when": GOOD, "then": 1}}, "formula.cases", id="cases-not-a-list"),
    pytest.param({"cases": [{"when": GOOD}]}, "formula.cases[0]", id="case-without-then"),
    pytest.param({"cases": [{"then": 1}]}, "formula.cases[0]", id="case-without-when"),
    pytest.param(
        {"cases": [{"when": GOOD, "then": 1, "else": 2}]}, "formula.cases[0]", id="case-extra-key"
    ),
    pytest.param({"cases": [5]}, "formula.cases[0]", id="case-not-an-object"),
    pytest.param(
        {"cases": [{"when": GOOD, "then": 1}], "default": 0}, "formula", id="default-not-else"
    ),
    pytest.param(
        {"cases": [{"when": GOOD, "then": 1}, {"when": cond(fact="nope"), "then": 2}]},
        "formula.cases[1].when.fact",
        id="bad-when",
    ),
    pytest.param(
        {"cases": [{"when": {"all": [GOOD, cond(value="ten")]}, "then": 1}]},
        "formula.cases[0].when.all[1].value",
        id="bad-when-deep",
    ),
    pytest.param(
        {"cases": [{"when": GOOD, "then": {"fact": "degree"}}]},
        "formula.cases[0].then.fact",
        id="bad-then",
    ),
    pytest.param(
        {"cases": [{"when": GOOD, "then": 1}], "else": "x"}, "formula.else", id="bad-else"
    ),
]


@pytest.mark.parametrize(("data", "path"), INVALID_FORMULAS)
def test_it_rejects_an_invalid_formula_naming_the_json_path_in_both_languages(
    data: Any, path: str
) -> None:
    with pytest.raises(RuleError) as caught:
        parse_formula(data)

    error = caught.value
    assert error.path == path
    assert error.message.zh.strip()
    assert error.message.en.strip()
    assert error.message.zh != error.message.en
    assert CJK.search(error.message.zh)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"fact": "amount", "times": 2}, id="fact-with-unknown-key"),
        pytest.param({"fact": "amount", "mul": [AMOUNT, 2]}, id="fact-with-operation"),
        pytest.param({"fact": "amount", "cases": []}, id="fact-with-cases"),
    ],
)
def test_it_rejects_a_formula_fact_with_another_key_beside_it(data: Any) -> None:
    with pytest.raises(RuleError) as caught:
        parse_formula(data)

    assert caught.value.path.startswith("formula")


def test_it_refuses_a_formula_nested_deeper_than_the_limit() -> None:
    at_limit = _nested(MAX_DEPTH, lambda inner: {"add": [inner, 1]}, AMOUNT)

    with pytest.raises(RuleError) as caught:
        parse_formula({"add": [at_limit, 1]})

    assert caught.value.path == "formula" + ".add[0]" * (MAX_DEPTH + 1)
    assert isinstance(parse_formula(at_limit), Op)
    with pytest.raises(RuleError):
        parse_formula({"cases": [{"when": _nested(5000, lambda r: {"not": r}, GOOD), "then": 1}]})


def test_it_accepts_no_formula() -> None:
    assert parse_formula(None) is None


def test_it_parses_a_formula_into_exact_decimal_nodes() -> None:
    data = {"min": [{"mul": [{"fact": "interest"}, 0.5]}, "300000"]}

    expr = parse_formula(data)

    assert expr == Op(
        "min",
        (
            Op(
                "mul",
                (
                    FactRef(FACTS["interest"]),
                    Num(Decimal("0.5")),
                ),
            ),
            Num(Decimal("300000")),
        ),
    )
