"""Explanations: one bilingual reason per condition, the missing facts, rendered rules, values."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from policy_match.rules import (
    FACTS,
    Subject,
    evaluate,
    format_value,
    missing_facts,
    parse,
    reasons,
    render_rule,
    with_derived,
)

AS_OF = date(2025, 6, 1)


def cond(fact: str, op: str, value: Any) -> dict[str, Any]:
    return {"fact": fact, "op": op, "value": value}


DISTRICT = cond("registered_district", "eq", "nanshan")
YOUNG = cond("enterprise_age_years", "lt", 3)
RD = cond("rd_expense", "gte", "1000000")
STRATEGIC = cond("is_strategic_emerging", "eq", True)
FUTURE = cond("is_future_industry", "eq", True)
BAD_CREDIT = cond("has_bad_credit", "eq", True)


def _explain(data: Any, values: dict[str, Any], subject: Subject = Subject.ENTERPRISE) -> Any:
    rule = parse(data)
    ctx = with_derived(subject, dict(values), AS_OF)
    _, trace = evaluate(rule, ctx)
    return rule, trace, ctx


# --- reasons ----------------------------------------------------------------------------------


def test_it_gives_one_reason_per_condition_in_rule_order() -> None:
    rule, trace, ctx = _explain(
        {"all": [DISTRICT, {"any": [STRATEGIC, YOUNG]}, {"not": BAD_CREDIT}, RD]},
        {"registered_district": "nanshan", "registered_on": date(2020, 1, 1)},
    )

    result = reasons(rule, trace, ctx, "en")

    assert [(r["fact"], r["outcome"]) for r in result] == [
        ("registered_district", "true"),
        (None, "unknown"),  # the heading of the `any`: "Any of the following ?"
        ("is_strategic_emerging", "unknown"),
        ("enterprise_age_years", "false"),
        ("has_bad_credit", "unknown"),
        ("rd_expense", "unknown"),
    ]


@pytest.mark.parametrize(
    ("data", "values", "outcome", "label_fact"),
    [
        (DISTRICT, {"registered_district": "nanshan"}, "true", "registered_district"),
        (DISTRICT, {"registered_district": "futian"}, "false", "registered_district"),
        (YOUNG, {"registered_on": date(2020, 1, 1)}, "false", "enterprise_age_years"),
        (YOUNG, {"registered_on": date(2024, 1, 1)}, "true", "enterprise_age_years"),
        (RD, {"rd_expense": Decimal("2000000")}, "true", "rd_expense"),
        (STRATEGIC, {"is_strategic_emerging": False}, "false", "is_strategic_emerging"),
    ],
)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_it_marks_a_decided_condition_with_a_tick_or_a_cross_in_both_languages(
    data: Any, values: dict[str, Any], outcome: str, label_fact: str, language: str
) -> None:
    rule, trace, ctx = _explain(data, values)

    (reason,) = reasons(rule, trace, ctx, language)

    label = FACTS[label_fact].label
    assert reason["outcome"] == outcome
    assert (label.zh if language == "zh-hans" else label.en) in reason["text"]
    assert (label.en if language == "zh-hans" else label.zh) not in reason["text"]
    mark, other = ("✓", "✗") if outcome == "true" else ("✗", "✓")
    assert reason["text"].endswith(mark)
    assert other not in reason["text"]


def test_it_states_the_actual_value_and_the_requirement() -> None:
    rule, trace, ctx = _explain(YOUNG, {"registered_on": date(2020, 1, 1)})

    zh, en = reasons(rule, trace, ctx, "zh-hans")[0], reasons(rule, trace, ctx, "en")[0]

    assert "5 年" in zh["text"] and "少于 3 年" in zh["text"]
    assert "5 years" in en["text"] and "less than 3 years" in en["text"]


@pytest.mark.parametrize(
    ("data", "values", "missing_zh", "missing_en"),
    [
        (RD, {}, "上年度研发费用", "R&D expense last year"),
        (RD, {"rd_expense": None}, "上年度研发费用", "R&D expense last year"),
        (YOUNG, {}, "成立日期", "Date of incorporation"),
        (DISTRICT, {"industry": "ai"}, "注册地（区）", "District of registration"),
    ],
)
def test_it_says_what_is_missing_for_an_unknown_condition(
    data: Any, values: dict[str, Any], missing_zh: str, missing_en: str
) -> None:
    rule, trace, ctx = _explain(data, values)

    (zh,) = reasons(rule, trace, ctx, "zh-hans")
    (en,) = reasons(rule, trace, ctx, "en")

    assert zh["outcome"] == en["outcome"] == "unknown"
    assert zh["text"].startswith("缺少")
    assert missing_zh in zh["text"]
    assert en["text"].startswith("Missing")
    assert missing_en in en["text"]
    for text in (zh["text"], en["text"]):
        assert "✓" not in text
        assert "✗" not in text


@pytest.mark.parametrize(
    ("data", "values", "outcome", "zh_phrase", "en_phrase", "mark"),
    [
        (
            {"not": BAD_CREDIT},
            {"has_bad_credit": False},
            "true",
            "要求不为 是",
            "must not be yes",
            "✓",
        ),
        (
            {"not": BAD_CREDIT},
            {"has_bad_credit": True},
            "false",
            "要求不为 是",
            "must not be yes",
            "✗",
        ),
        (
            {"not": YOUNG},
            {"registered_on": date(2024, 1, 1)},
            "false",
            "要求不少于 3 年",
            "must be at least 3 years",
            "✗",
        ),
        (
            {"not": cond("industry", "in", ["gaming", "fintech"])},
            {"industry": "ai"},
            "true",
            "要求不属于",
            "must be none of",
            "✓",
        ),
        (
            {"not": cond("employee_count", "between", [10, 50])},
            {"employee_count": 60},
            "true",
            "要求不介于",
            "must not be between",
            "✓",
        ),
        (
            {"not": {"not": BAD_CREDIT}},
            {"has_bad_credit": True},
            "true",
            "要求为 是",
            "must be yes",
            "✓",
        ),
        (
            {"not": {"all": [BAD_CREDIT]}},
            {"has_bad_credit": False},
            "true",
            "要求不为 是",
            "must not be yes",
            "✓",
        ),
    ],
)
def test_it_phrases_a_condition_under_not_as_its_opposite_with_the_flipped_outcome(
    data: Any,
    values: dict[str, Any],
    outcome: str,
    zh_phrase: str,
    en_phrase: str,
    mark: str,
) -> None:
    rule, trace, ctx = _explain(data, values)

    (zh,) = reasons(rule, trace, ctx, "zh-hans")
    (en,) = reasons(rule, trace, ctx, "en")

    assert zh["outcome"] == en["outcome"] == outcome
    assert zh_phrase in zh["text"]
    assert en_phrase in en["text"]
    assert zh["text"].endswith(mark)
    assert en["text"].endswith(mark)


def test_it_keeps_an_unknown_condition_under_not_unknown() -> None:
    rule, trace, ctx = _explain({"not": BAD_CREDIT}, {})

    (en,) = reasons(rule, trace, ctx, "en")

    assert en["outcome"] == "unknown"
    assert en["text"].startswith("Missing")
    assert "must not be yes" in en["text"]


def test_it_reads_any_english_language_tag_as_english() -> None:
    rule, trace, ctx = _explain(DISTRICT, {"registered_district": "nanshan"})

    (reason,) = reasons(rule, trace, ctx, "en-US")

    assert reason["text"] == reasons(rule, trace, ctx, "en")[0]["text"]
    assert "District of registration" in reason["text"]


# --- missing facts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "values", "expected"),
    [
        pytest.param(
            {"all": [DISTRICT, RD]},
            {"registered_district": "futian"},
            [],
            id="false-all-needs-nothing",
        ),
        pytest.param(
            {"any": [DISTRICT, RD]},
            {"registered_district": "nanshan"},
            [],
            id="true-any-needs-nothing",
        ),
        pytest.param(DISTRICT, {"registered_district": "nanshan"}, [], id="true-needs-nothing"),
        pytest.param(
            {"all": [DISTRICT, RD]},
            {"registered_district": "nanshan"},
            ["rd_expense"],
            id="unknown-all",
        ),
        pytest.param(
            {"any": [DISTRICT, RD]},
            {"registered_district": "futian"},
            ["rd_expense"],
            id="unknown-any",
        ),
        pytest.param(
            {"all": [RD, DISTRICT, STRATEGIC]},
            {},
            ["rd_expense", "registered_district", "is_strategic_emerging"],
            id="in-rule-order",
        ),
        pytest.param(
            {"any": [DISTRICT, {"all": [FUTURE, STRATEGIC]}, RD]},
            {"registered_district": "futian", "is_future_industry": False},
            ["rd_expense"],
            id="skips-a-false-branch-under-an-unknown-any",
        ),
        pytest.param(
            {"all": [DISTRICT, {"any": [FUTURE, STRATEGIC]}, RD]},
            {"registered_district": "nanshan", "is_future_industry": False},
            ["is_strategic_emerging", "rd_expense"],
            id="nested-unknown-any",
        ),
        pytest.param(
            {"all": [DISTRICT, {"any": [FUTURE, STRATEGIC]}, RD]},
            {"registered_district": "nanshan", "is_future_industry": True},
            ["rd_expense"],
            id="skips-a-true-any-under-an-unknown-all",
        ),
        pytest.param({"not": BAD_CREDIT}, {}, ["has_bad_credit"], id="under-not"),
        pytest.param(
            {"all": [{"not": BAD_CREDIT}, RD]},
            {"has_bad_credit": True},
            [],
            id="false-not-decides-the-all",
        ),
        pytest.param(YOUNG, {}, ["registered_on"], id="derived-age-asks-for-its-input"),
        pytest.param(
            {
                "all": [
                    cond("registered_on", "gte", "2020-01-01"),
                    YOUNG,
                    cond("registered_on", "lt", "2025-01-01"),
                ]
            },
            {},
            ["registered_on"],
            id="no-duplicates-across-derived-and-plain",
        ),
        pytest.param(
            {"any": [RD, cond("rd_expense", "lt", "10")]},
            {},
            ["rd_expense"],
            id="no-duplicates-across-conditions",
        ),
        pytest.param(
            cond("rd_intensity", "gte", 0.03),
            {"rd_expense": Decimal("100000")},
            ["annual_revenue"],
            id="derived-asks-only-for-its-unknown-input",
        ),
        pytest.param(
            cond("rd_intensity", "gte", 0.03),
            {},
            ["rd_expense", "annual_revenue"],
            id="derived-asks-for-every-unknown-input",
        ),
    ],
)
def test_it_lists_only_the_facts_under_unknown_branches(
    data: Any, values: dict[str, Any], expected: list[str]
) -> None:
    rule, trace, ctx = _explain(data, values)

    result = missing_facts(rule, trace, ctx)

    assert result == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, ["amount", "rate"]),
        ({"interest_paid": None}, ["amount", "rate"]),
        ({"amount": Decimal("1000000")}, ["rate"]),
        ({"rate": Decimal("0.035")}, ["amount"]),
        ({"interest_paid": Decimal("5000")}, []),
        ({"amount": Decimal("1000000"), "rate": Decimal("0.035")}, []),
    ],
)
def test_it_asks_for_amount_and_rate_not_interest_paid_when_interest_is_unknown(
    values: dict[str, Any], expected: list[str]
) -> None:
    rule, trace, ctx = _explain(cond("interest", "gte", "1000000"), values, Subject.LOAN)

    result = missing_facts(rule, trace, ctx)

    assert result == expected
    assert "interest_paid" not in result
    assert "interest" not in result


# --- rendering a rule without a profile -------------------------------------------------------

DESIGN_RULE = {
    "all": [
        DISTRICT,
        YOUNG,
        {"any": [cond("industry", "in", ["robotics", "ai"]), STRATEGIC]},
        {"not": BAD_CREDIT},
    ]
}


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "zh-hans",
            [
                "同时满足以下全部条件：",
                "  注册地（区）为 南山区",
                "  成立年限少于 3 年",
                "  满足以下任一条件：",
                "    所属行业属于 人工智能、机器人/具身智能",
                "    是否属于战略性新兴产业为 是",
                "  不满足以下条件：",
                "    是否有失信/不良信用记录为 是",
            ],
        ),
        (
            "en",
            [
                "All of the following:",
                "  District of registration is Nanshan",
                "  Years since incorporation less than 3 years",
                "  Any of the following:",
                "    Industry one of artificial intelligence, robotics / embodied AI",
                "    Strategic emerging industry is yes",
                "  Not the following:",
                "    Bad-credit record is yes",
            ],
        ),
    ],
)
def test_it_renders_a_rule_as_indented_sentences(language: str, expected: list[str]) -> None:
    rule = parse(DESIGN_RULE)

    lines = render_rule(rule, language)

    assert lines == expected


def test_it_renders_a_single_condition_without_indentation() -> None:
    rule = parse(cond("annual_revenue", "gte", "5000000"))

    assert render_rule(rule, "zh-hans") == ["上年度营业收入不少于 5,000,000 元"]
    assert render_rule(rule, "en") == ["Revenue last year at least 5,000,000 yuan"]


# --- values -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fact", "value", "language", "expected"),
    [
        ("annual_revenue", Decimal("1234567.5"), "zh-hans", "1,234,567.50 元"),
        ("annual_revenue", Decimal("1000000"), "en", "1,000,000 yuan"),
        ("annual_revenue", Decimal("1000000.00"), "zh-hans", "1,000,000 元"),
        ("annual_revenue", Decimal("999.9"), "en", "999.90 yuan"),
        ("annual_revenue", Decimal("0"), "en", "0 yuan"),
        ("revenue_growth_rate", Decimal("0.2"), "zh-hans", "20%"),
        ("revenue_growth_rate", Decimal("0.20"), "en", "20%"),
        ("revenue_growth_rate", Decimal("1.5"), "en", "150%"),
        ("revenue_growth_rate", Decimal("1"), "en", "100%"),
        ("rate", Decimal("0.035"), "en", "3.5%"),
        ("registered_district", "nanshan", "zh-hans", "南山区"),
        ("registered_district", "nanshan", "en", "Nanshan"),
        ("hukou_city", "hangzhou", "en", "hangzhou"),
        ("registered_district", frozenset({"qianhai", "nanshan"}), "zh-hans", "南山区、前海"),
        ("registered_district", frozenset({"qianhai", "nanshan"}), "en", "Nanshan, Qianhai"),
        ("employee_count", 10, "zh-hans", "10 人"),
        ("employee_count", 10, "en", "10 persons"),
        ("enterprise_age_years", 3, "en-gb", "3 years"),
        ("employee_count", (10, 50), "en", "10 persons and 50 persons"),
        ("is_high_tech_enterprise", True, "zh-hans", "是"),
        ("is_high_tech_enterprise", False, "en", "no"),
        ("registered_on", date(2022, 12, 1), "en", "2022-12-01"),
        ("annual_revenue", None, "zh-hans", "未知"),
        ("annual_revenue", None, "en", "unknown"),
    ],
)
def test_it_formats_a_value_as_a_person_reads_it(
    fact: str, value: Any, language: str, expected: str
) -> None:
    result = format_value(FACTS[fact], value, language)

    assert result == expected
