"""The profile form in steps, over Django's test client: drafts, errors, rows, results."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from policy_match.rules import Subject, facts_for

from .support import post_step, robotics_startup

pytestmark = pytest.mark.django_db


def draft(client: Client) -> dict:
    return client.session["profile_draft"]


def test_it_keeps_every_answer_when_going_back_and_forth(client: Client) -> None:
    post_step(client, "enterprise", {"industry": "robotics", "registered_on": "2024/3/1"})
    post_step(client, "people", {"0-degree": "phd"}, rows=1, go="previous")

    page = client.get("/profile/enterprise/").content.decode()

    assert 'value="robotics" selected' in page
    assert 'value="2024/3/1"' in page
    assert draft(client)["people"][0]["degree"] == "phd"


def test_it_stays_on_a_step_with_an_error_and_shows_it_next_to_the_field(client: Client) -> None:
    response = post_step(
        client, "enterprise", {"registered_on": "2024-02-30", "employee_count": "12"}
    )

    assert response["Location"] == "/profile/enterprise/"
    page = client.get("/profile/enterprise/").content.decode()
    field = page.split('id="field-enterprise-registered_on"')[1].split('id="field-enterprise-')[0]
    assert "请按“年-月-日”填写日期" in field
    assert 'aria-invalid="true"' in field
    assert 'value="12"' in page
    assert 'href="#field-enterprise-registered_on"' in page  # the error summary links to it


def test_it_puts_the_profiles_range_error_on_the_loan_field_it_belongs_to(client: Client) -> None:
    post_step(client, "loans", {"0-rate": "0.9", "1-rate": "150%"}, rows=2, language="en")

    page = client.get("/en/profile/loans/").content.decode()

    first, second = page.split('id="row-loans-0"')[1].split('id="row-loans-1"')
    assert "a rate is between 0 and 1" in second.split('id="field-loans-1-rate"')[1][:900]
    assert "a rate is between 0 and 1" not in first


def test_it_adds_and_removes_people_and_keeps_the_others_answers(client: Client) -> None:
    post_step(client, "people", {}, rows=0, go="add")
    post_step(client, "people", {"0-born_on": "1996-05"}, rows=1, go="add")
    post_step(client, "people", {"0-born_on": "1996-05", "1-born_on": "1985-01"}, rows=2, go="add")

    response = post_step(
        client,
        "people",
        {"0-born_on": "1996-05", "1-born_on": "1985-01", "2-born_on": "1974-12"},
        rows=3,
        go="remove:1",
    )

    assert response.status_code == 302
    assert [p["born_on"] for p in draft(client)["people"]] == ["1996-05", "1974-12"]


def test_it_adds_a_loan_with_nothing_answered_for_it(client: Client) -> None:
    response = post_step(client, "loans", {}, rows=0, go="add")

    assert response["Location"] == "/profile/loans/#row-loans-0"
    assert draft(client)["loans"] == [{}]  # no fee is pre-answered "0" (#15)


def test_it_moves_to_the_same_step_in_the_other_language(client: Client) -> None:
    response = post_step(client, "people", {"0-born_on": "1996-05"}, rows=1, go="lang:en")

    assert response["Location"] == "/en/profile/people/"
    assert draft(client)["people"][0]["born_on"] == "1996-05"


def test_it_sends_a_profile_with_errors_back_to_the_step_to_fix(client: Client) -> None:
    post_step(client, "enterprise", {"annual_revenue": "-5"})

    response = post_step(client, "review", go="results")

    assert response["Location"] == "/profile/enterprise/#errors"
    page = client.get("/profile/enterprise/").content.decode()
    assert "金额不能为负数" in page


def test_it_asks_for_the_form_before_showing_results(client: Client) -> None:
    response = client.get("/en/results/")

    assert response["Location"] == "/en/profile/enterprise/"


@pytest.mark.usefixtures("catalogue")
def test_it_leaves_every_measure_open_for_an_untouched_form(client: Client) -> None:
    # What a browser posts for a form nobody touched: nothing, so nothing "does not apply".
    post_step(client, "enterprise", {}, go="results")
    page = client.get("/results/")

    results = page.context["results"]
    assert (len(results.eligible), len(results.ineligible)) == (0, 0)
    assert len(results.undetermined) == results.summary["undetermined"] > 0
    assert results.summary["total_amount"] == 0
    assert results.ask[0]["url"] == "/profile/enterprise/?focus=registered_district&back=results"


@pytest.mark.usefixtures("catalogue")
def test_it_shows_the_robotics_startup_its_money_in_english(client: Client) -> None:
    today = timezone.localdate()
    robotics_startup(
        client,
        registered_on=today.replace(year=today.year - 2).isoformat(),
        transferred_on=(today - timedelta(days=100)).isoformat(),
    )

    post_step(client, "review", go="results", language="en")
    page = client.get("/en/results/")

    text = page.content.decode()
    assert "744,500 yuan" in text and "1,000,520 yuan" in text
    eligible = {card["slug"]: card for card in page.context["results"].eligible}
    assert eligible["ip-pledge-financing-subsidy"]["amount"] == 94500
    assert eligible["ip-pledge-financing-subsidy"]["subject"] == "Loan 1"
    assert eligible["talent-living-subsidy-master"]["name"] == (
        "Living subsidy for newly settled master's graduates"
    )
    undetermined = {card["slug"]: card for card in page.context["results"].undetermined}
    voucher = undetermined["talent-experience-voucher"]["missing"]
    assert [(m["label"], m["url"]) for m in voucher] == [
        (
            "University student",
            "/en/profile/people/?focus=is_student&row=0&back=results",
        )
    ]


def test_it_forgets_every_answer_when_the_founder_starts_over(client: Client) -> None:
    post_step(client, "enterprise", {"industry": "robotics"})

    response = post_step(client, "review", go="restart")

    assert response["Location"] == "/profile/enterprise/"
    assert draft(client)["enterprise"] == {}  # nothing pre-answered


def test_it_reviews_the_answers_as_the_results_will_read_them(client: Client) -> None:
    asked = len(facts_for(Subject.ENTERPRISE, derived=False))
    post_step(client, "enterprise", {"enterprise_name": "灵巧机器人", "annual_revenue": "1200000"})

    page = client.get("/en/profile/review/").content.decode()

    assert f"1 of {asked} answered" in page
    assert "灵巧机器人" in page
    assert "1,200,000 yuan" in page
