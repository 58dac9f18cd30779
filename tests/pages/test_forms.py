"""The profile forms are generated from the fact registry and read answers as people type them."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from policy_match.pages.forms import EnterpriseForm, LoanForm, PersonForm
from policy_match.pages.templatetags.pages import fact_unit
from policy_match.rules import FACTS, Subject, facts_for

FORMS = [
    (EnterpriseForm, Subject.ENTERPRISE),
    (PersonForm, Subject.PERSON),
    (LoanForm, Subject.LOAN),
]


@pytest.mark.parametrize(("form_class", "subject"), FORMS)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_it_asks_every_registry_fact_of_a_subject_with_its_label_help_and_unit(
    form_class: Any, subject: Subject, language: str
) -> None:
    facts = facts_for(subject, derived=False)

    with translation.override(language):
        form = form_class(language=language)

        assert [n for n in form.fields if n != "enterprise_name"] == [f.name for f in facts]
        for fact in facts:
            field = form.fields[fact.name]
            assert field.required is False
            assert field.label == fact.label.get(language)
            assert str(field.help_text).startswith(fact.help.get(language))
            assert fact_unit(form[fact.name]) == (fact.unit.get(language) if fact.unit else "")


def test_it_offers_every_choice_of_a_code_fact_and_dont_know() -> None:
    with translation.override("en"):
        form = PersonForm(language="en")

        choices = list(form.fields["degree"].choices)

    assert choices[0][0] == ""
    assert [code for code, _label in choices[1:]] == [c.code for c in FACTS["degree"].choices]
    assert choices[4][1] == "master's"


def test_it_prefills_no_answer_so_that_a_skipped_question_stays_unknown() -> None:
    # #15: a registry default (policies.md §6a) may not become a founder's "no".
    forms = [
        EnterpriseForm(prefix="enterprise", language="zh-hans"),
        PersonForm(prefix="people-0", language="zh-hans"),
        LoanForm(prefix="loans-0", language="zh-hans"),
    ]

    for form in forms:
        checked = re.findall(r'<input[^>]*value="([^"]*)"[^>]*checked', str(form))
        assert set(checked) <= {""}  # only "don't know" is ticked
        assert all(not form[name].value() for name in form.fields)


@pytest.mark.parametrize(
    ("fact", "typed", "read"),
    [
        ("registered_on", "2024-03-01", date(2024, 3, 1)),
        ("registered_on", "2024/3/1", date(2024, 3, 1)),
        ("registered_on", "2024年3月1日", date(2024, 3, 1)),
        ("registered_on", "20240301", date(2024, 3, 1)),
        ("annual_revenue", "3,000,000", Decimal("3000000")),
        ("annual_revenue", "¥ 1,200.50", Decimal("1200.50")),
        ("annual_revenue", "45000元", Decimal("45000")),
        ("revenue_growth_rate", "0.2", Decimal("0.2")),
        ("revenue_growth_rate", "20%", Decimal("0.2")),
        ("revenue_growth_rate", "3.5％", Decimal("0.035")),
        ("employee_count", "1,200", 1200),
        ("is_high_tech_enterprise", "true", True),
        ("is_high_tech_enterprise", "false", False),
        ("is_high_tech_enterprise", "", None),
        ("industry", "robotics", "robotics"),
        ("industry", "", None),
    ],
)
def test_it_reads_answers_as_people_type_them(fact: str, typed: str, read: Any) -> None:
    form = EnterpriseForm({f"enterprise-{fact}": typed}, prefix="enterprise", language="zh-hans")

    assert form.is_valid(), form.errors
    assert form.cleaned_data[fact] == read


@pytest.mark.parametrize(
    ("language", "fact", "typed", "message"),
    [
        ("zh-hans", "registered_on", "2024-02-30", "请按“年-月-日”填写日期"),
        ("en", "registered_on", "last spring", "Enter the date as year-month-day"),
        ("zh-hans", "annual_revenue", "三百万", "请填写金额（元）"),
        ("en", "employee_count", "eight", "Enter a whole number"),
        ("en", "revenue_growth_rate", "a lot%", "Enter a decimal"),
    ],
)
def test_it_explains_an_answer_it_cannot_read_in_the_users_language(
    language: str, fact: str, typed: str, message: str
) -> None:
    with translation.override(language):
        form = EnterpriseForm({f"enterprise-{fact}": typed}, prefix="enterprise", language=language)

        valid = form.is_valid()

        assert not valid
        assert message in str(form.errors[fact][0])
