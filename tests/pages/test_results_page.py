"""The results page (#15): the same answers as the API, money first, then what to do."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from enterprises.models import Enterprise, PartnerAPIKey
from policy_match.models import MatchChange
from policy_match.pages.views.draft import draft_check
from tests.factories import PartnerFactory, UserFactory

from .support import post_step, robotics_startup

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]


def _robotics(client: Client) -> None:
    today = timezone.localdate()
    robotics_startup(
        client,
        registered_on=today.replace(year=today.year - 2).isoformat(),
        transferred_on=(today - timedelta(days=100)).isoformat(),
    )


def _futian_software_firm(client: Client) -> None:
    """Six years old, registered and taxed in Futian: most district measures rule it out."""
    today = timezone.localdate()
    post_step(
        client,
        "enterprise",
        {
            "registered_district": "futian",
            "registered_on": today.replace(year=today.year - 6).isoformat(),
            "industry": "digital_economy",
            "employee_count": "40",
            "tax_registered_in_nanshan": "false",
        },
    )


PROFILES = {
    "empty": lambda client: post_step(client, "enterprise", {}),
    "partial": _futian_software_firm,
    "full": _robotics,
}


def _api(body: dict[str, Any], language: str) -> dict[str, Any]:
    _key, key = PartnerAPIKey.objects.create_key(name="parity", partner=PartnerFactory())
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    response = api.post("/api/v1/match/", body, format="json", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response.content
    data: dict[str, Any] = response.json()
    return data


def _body(client: Client) -> dict[str, Any]:
    """The profile the page matched, as a /match/ request body."""
    draft = client.session["profile_draft"]
    body = draft_check(draft, "zh-hans").body
    return {"as_of": timezone.localdate().isoformat(), **_jsonable(body)}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted(_jsonable(v) for v in value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("profile", list(PROFILES))
def test_it_gives_the_same_statuses_and_amounts_as_the_api(
    client: Client, profile: str, language: str
) -> None:
    PROFILES[profile](client)
    prefix = "/en" if language == "en" else ""
    post_step(client, "review", go="results", language=language[:2] if prefix else "")

    page = client.get(f"{prefix}/results/")
    api = _api(_body(client), language)

    results = page.context["results"]
    shown = {
        (c["slug"], c["ref"] or None): (c["status"], c["amount"])
        for c in [*results.eligible, *results.undetermined, *results.ineligible]
    }
    answered = {
        (r["policy"], r["subject"]["ref"]): (
            r["status"],
            None if r["amount"] is None else Decimal(r["amount"]),
        )
        for r in api["results"]
    }
    assert shown == answered
    for key in ("eligible", "undetermined", "ineligible"):
        assert results.summary[key] == api["summary"][key]
    for key in ("total_amount", "entitled_amount", "competitive_amount", "could_unlock_amount"):
        assert results.summary[key] == Decimal(api["summary"][key])
    assert [q["label"] for q in results.ask] == [q["label"] for q in api["summary"]["ask_next"]]
    assert [r["text"] for r in results.reach] == [r["text"] for r in api["summary"]["within_reach"]]


def test_it_leads_with_the_entitled_money_and_labels_the_competitive_maxima(
    client: Client,
) -> None:
    _robotics(client)
    post_step(client, "review", go="results")

    page = client.get("/results/")

    text = page.content.decode()
    results = page.context["results"]
    assert results.summary["entitled_amount"] == Decimal("144500")
    assert results.summary["competitive_amount"] == Decimal("600000")
    assert (
        text.index("现在可以申领") < text.index("144,500 元") < text.index("可以申报的竞争性资助")
    )
    assert "评审类：择优评审，金额为上限，并非一定获得" in text
    # Claim these, then Within reach, then Answer to find out, then the rest folded.
    order = [text.index(f'id="{s}"') for s in ("claim", "reach", "ask", "open", "ineligible")]
    assert order == sorted(order)
    awards = [c["award"] for c in results.claim]
    assert awards == sorted(awards, key=lambda a: a != "entitled")  # entitled first
    assert "尚未公布申报时间" in text or "申报中" in text  # every claim card says its window


def test_it_groups_what_does_not_apply_by_the_condition_that_blocks_most(
    client: Client,
) -> None:
    _futian_software_firm(client)
    post_step(client, "review", go="results", language="en")

    page = client.get("/en/results/")

    groups = page.context["results"].blocked
    sizes = [len(g["cards"]) for g in groups]
    assert sizes[0] == max(sizes) > 1
    assert groups[0]["title"].startswith(f"{sizes[0]} measures are ruled out by")
    assert "District of registration" in groups[0]["title"]
    assert '<details class="fold">' in page.content.decode()  # collapsed


def test_it_says_which_measures_need_people_and_loans_instead_of_dropping_them(
    client: Client,
) -> None:
    post_step(client, "enterprise", {"registered_district": "nanshan"}, go="results")

    page = client.get("/en/results/")

    hints = {h["step"]: h for h in page.context["results"].hints}
    assert set(hints) == {"people", "loans"}
    assert "counted per person" in hints["people"]["text"]
    assert hints["people"]["url"] == "/en/profile/people/?back=results"


@pytest.mark.parametrize(
    ("prefix", "words"),
    [("", "只列明本科和硕士毕业生"), ("/en", "name bachelor's and master's graduates only")],
)
def test_it_tells_a_doctorate_why_no_district_living_subsidy_applies(
    client: Client, prefix: str, words: str
) -> None:
    post_step(client, "enterprise", {"registered_district": "nanshan"})
    post_step(client, "people", {"0-degree": "phd"}, rows=1, go="results")

    page = client.get(f"{prefix}/results/").content.decode()

    assert words in page.replace("&#x27;", "'")


def test_it_opens_a_question_from_the_results_focused_with_a_way_back(client: Client) -> None:
    post_step(client, "enterprise", {}, go="results")
    url = client.get("/results/").context["results"].ask[0]["url"]

    page = client.get(url).content.decode()

    assert 'name="enterprise-registered_district"' in page
    field = page[page.index('name="enterprise-registered_district"') - 200 :][:400]
    assert "autofocus" in field
    assert 'value="results" class="button button--primary">保存并返回结果' in page


def test_it_tries_a_change_without_touching_the_saved_answers(client: Client) -> None:
    _robotics(client)
    post_step(client, "review", go="results")
    before = dict(client.session["profile_draft"]["enterprise"])

    page = client.get("/en/results/try/", {"fact": "registered_district", "value": "futian"})

    assert page.status_code == 200
    comparison = page.context["comparison"]
    moved = {line["policy"]: line["after"]["status"] for line in comparison["changed"]}
    assert moved["talent-living-subsidy-master"] == "ineligible"
    assert comparison["after"]["eligible"] < comparison["before"]["eligible"]
    assert "Results that would change" in page.content.decode()
    assert client.session["profile_draft"]["enterprise"] == before


def test_it_names_the_field_of_a_change_it_cannot_read_in_both_languages(
    client: Client,
) -> None:
    post_step(client, "enterprise", {}, go="results")

    zh = client.get("/results/try/", {"fact": "employee_count", "value": "八"})
    en = client.get("/en/results/try/", {"fact": "employee_count", "value": "eight"})

    assert (zh.status_code, en.status_code) == (400, 400)
    assert "从业人数：" in zh.content.decode() or "员工人数：" in zh.content.decode()
    assert "请填写整数" in zh.content.decode()
    assert "Enter a whole number" in en.content.decode()


def test_it_shares_the_answers_by_a_link_that_names_only_a_token(client: Client) -> None:
    _robotics(client)
    post_step(client, "review", go="results")

    client.post("/results/share/")
    token = client.session["share_token"]
    stranger = Client()
    page = stranger.get(f"/shared/{token}/")

    assert page.status_code == 200
    assert page.context["results"].summary["entitled_amount"] == Decimal("144500")
    assert "profile_draft" not in stranger.session  # their own answers are left alone
    assert "南山" not in token and len(token) >= 24
    assert stranger.get("/shared/not-a-real-token-at-all/").status_code == 404


def test_it_records_that_a_signed_in_owner_applied_and_shows_a_bad_date_at_the_field(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    user = UserFactory(username="lan@example.com", email="lan@example.com")
    client.force_login(user)
    _robotics(client)
    with django_capture_on_commit_callbacks(execute=True):
        post_step(client, "review", go="results")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    line = {"policy": "talent-living-subsidy-master", "ref": "p1"}

    refused = client.post("/results/applied/", {**line, "applied_on": tomorrow})
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post("/results/applied/", {**line, "applied_on": "2026-01-05"})
    page = client.get("/results/").content.decode()

    assert refused.status_code == 400
    text = refused.content.decode()
    form = text[text.index('id="applied-talent-living-subsidy-master-p1"') - 600 :][:800]
    assert "申报日期：不能晚于今天" in form
    assert saved["Location"] == "/results/#card-talent-living-subsidy-master-p1"
    assert "申报状态：已申报（2026-01-05）" in page


def test_it_shows_a_signed_in_founder_what_changed_since_the_last_visit(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    user = UserFactory(username="lan@example.com", email="lan@example.com")
    client.force_login(user)
    _robotics(client)
    with django_capture_on_commit_callbacks(execute=True):
        post_step(client, "review", go="results")
    client.get("/results/")  # a first visit: seen from now on
    enterprise = Enterprise.objects.get(owner=user)
    policy = enterprise.matches.get(policy__slug="talent-living-subsidy-master").policy
    MatchChange.objects.create(
        enterprise=enterprise, policy=policy, subject_type="person", subject_ref="p1",
        from_status="eligible", to_status="eligible", from_amount=Decimal("50000"),
        to_amount=Decimal("60000"), cause="publish", at=timezone.now(),
    )  # fmt: skip

    page = client.get("/en/results/")
    again = client.get("/en/results/")

    assert "Last matched:" in page.content.decode()
    (change,) = page.context["changes"]
    assert change["text"] == "amount changed from 50,000 yuan to 60,000 yuan"
    assert change["subject"] == "Person 1"
    assert again.context["changes"] == []
