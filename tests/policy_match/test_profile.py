from datetime import date
from decimal import Decimal

import pytest

from policy_match.profile import Profile, ProfileError


def test_it_types_every_value_from_json() -> None:
    profile = Profile.from_data(
        {
            "enterprise": {
                "registered_on": "2024-03-01",
                "employee_count": "8",
                "annual_revenue": "1.50",
            },
            "people": [{"ref": "p1", "degree": "master", "is_founder": True}],
            "loans": [{"product": "ip_pledge_loan", "amount": 3000000, "rate": "0.035"}],
        }
    )

    assert profile.enterprise == {
        "registered_on": date(2024, 3, 1),
        "employee_count": 8,
        "annual_revenue": Decimal("1.50"),
    }
    assert profile.people == (("p1", {"degree": "master", "is_founder": True}),)
    assert profile.loans == (
        ("l1", {"product": "ip_pledge_loan", "amount": Decimal(3000000), "rate": Decimal("0.035")}),
    )


def test_it_treats_null_and_empty_answers_as_unknown() -> None:
    profile = Profile.from_data({"enterprise": {"industry": None, "registered_on": ""}})

    assert profile.enterprise == {}


@pytest.mark.parametrize(
    ("data", "path", "english", "chinese"),
    [
        ({"enterprise": {"no_such": 1}}, "enterprise.no_such", "unknown field", "未知的字段"),
        (
            {"enterprise": {"enterprise_age_years": 2}},
            "enterprise.enterprise_age_years",
            "computed",
            "计算",
        ),
        (
            {"enterprise": {"employee_count": "many"}},
            "enterprise.employee_count",
            "integer",
            "整数",
        ),
        ({"enterprise": {"employee_count": True}}, "enterprise.employee_count", "integer", "整数"),
        ({"enterprise": {"industry": "mining"}}, "enterprise.industry", "not a choice", "可选值"),
        ({"enterprise": {"annual_revenue": "-1"}}, "enterprise.annual_revenue", "negative", "负数"),
        (
            {"enterprise": {"annual_revenue": "1.005"}},
            "enterprise.annual_revenue",
            "two decimals",
            "两位小数",
        ),
        (
            {"people": [{}, {"graduated_on": "2025-13-01"}]},
            "people[1].graduated_on",
            "a date",
            "日期",
        ),
        ({"people": [{"age": 200}]}, "people[0].age", "between 0 and 130", "0 到 130"),
        ({"loans": [{"rate": "3.5"}]}, "loans[0].rate", "between 0 and 1", "0 到 1"),
        ({"loans": [{"ref": "x"}, {"ref": "x"}]}, "loans[1].ref", "used twice", "重复"),
        ({"people": "p1"}, "people", "a list", "列表"),
        ({"company": {}}, "company", "unknown field", "未知的字段"),
        (
            {"enterprise": {"annual_revenue": "1e30"}},
            "enterprise.annual_revenue",
            "too large",
            "过大",
        ),
        (
            {"enterprise": {"employee_count": 2**40}},
            "enterprise.employee_count",
            "too large",
            "过大",
        ),
        ({"people": [{"hukou_city": "wuhan\n"}]}, "people[0].hukou_city", "not a choice", "可选值"),
    ],
)
def test_it_names_the_field_of_every_bad_value_in_both_languages(
    data: dict, path: str, english: str, chinese: str
) -> None:
    with pytest.raises(ProfileError) as error:
        Profile.from_data(data)

    assert path in error.value.errors
    assert english in error.value.messages("en")[path]
    assert chinese in error.value.messages("zh-hans")[path]


def test_it_reports_every_bad_field_at_once() -> None:
    with pytest.raises(ProfileError) as error:
        Profile.from_data(
            {"enterprise": {"industry": "x", "employee_count": "y"}, "loans": [{"amount": "-5"}]}
        )

    assert sorted(error.value.errors) == [
        "enterprise.employee_count",
        "enterprise.industry",
        "loans[0].amount",
    ]
