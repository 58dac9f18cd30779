"""POST /api/v1/match/ over HTTP: results, languages, the query budget, and bad input."""

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient

from enterprises.models import Enterprise, Partner
from policy_match.models import Match
from tests.api.conftest import ClientFor
from tests.conftest import REPO

pytestmark = pytest.mark.django_db

URL = "/api/v1/match/"
EXAMPLE: dict[str, Any] = json.loads(
    json.dumps(
        yaml.safe_load((REPO / "docs/examples/robotics-startup.yaml").read_text()), default=str
    )
)


def _line(body: dict[str, Any], slug: str, ref: str | None = None) -> dict[str, Any]:
    return next(r for r in body["results"] if r["policy"] == slug and r["subject"]["ref"] == ref)


def test_it_matches_a_profile_with_amounts_and_reasons(
    catalogue: None, api_client: APIClient
) -> None:
    response = api_client.post(URL, EXAMPLE, format="json")

    assert response.status_code == 200
    body = response.json()
    master = _line(body, "talent-living-subsidy-master", "p1")
    assert master["status"] == "eligible"
    assert master["name"] == "新引进入户硕士毕业生生活补贴"
    assert master["amount"] == "50000.00"
    degree = next(r for r in master["reasons"] if r["fact"] == "degree")
    assert (degree["text"], degree["outcome"], degree["kind"]) == (
        "最高学历：硕士；要求为 硕士 ✓",
        "true",
        "condition",
    )
    assert body["summary"]["total_amount"] == "744500.00"
    assert {r["status"] for r in body["results"]} == {"eligible", "ineligible", "undetermined"}
    assert response["Content-Language"] == "zh-hans"


def test_it_answers_in_english_when_asked(catalogue: None, api_client: APIClient) -> None:
    response = api_client.post(URL, EXAMPLE, format="json", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    body = response.json()
    assert response["Content-Language"] == "en"
    assert _line(body, "talent-living-subsidy-master", "p1")["name"] == (
        "Living subsidy for newly settled master's graduates"
    )
    gaming = _line(body, "gaming-key-talent-subsidy", "p1")
    assert gaming["status"] == "ineligible"
    assert "Industry: robotics / embodied AI; must be gaming / digital creative ✗" in [
        reason["text"] for reason in gaming["reasons"]
    ]


def test_it_lists_missing_facts_with_labels_in_both_languages(
    catalogue: None, api_client: APIClient
) -> None:
    profile = {"as_of": "2026-11-23", "people": [{"ref": "p1", "degree": "master"}]}

    chinese = _line(
        api_client.post(URL, profile, format="json").json(), "talent-living-subsidy-master", "p1"
    )
    english = _line(
        api_client.post(URL, profile, format="json", HTTP_ACCEPT_LANGUAGE="en").json(),
        "talent-living-subsidy-master",
        "p1",
    )

    assert chinese["status"] == english["status"] == "undetermined"
    assert [m["fact"] for m in chinese["missing"]] == [m["fact"] for m in english["missing"]]
    assert "hukou_transferred_on" in [m["fact"] for m in english["missing"]]
    assert chinese["missing"][0]["label"] != english["missing"][0]["label"]


def test_a_key_call_costs_one_query_the_key_with_the_catalogue_stamp(
    catalogue: None, api_client: APIClient, django_assert_num_queries: Any
) -> None:
    api_client.post(URL, EXAMPLE, format="json")  # compiles the catalogue once

    with django_assert_num_queries(1):
        response = api_client.post(URL, EXAMPLE, format="json")

    assert response.status_code == 200


def test_a_batch_reads_the_catalogue_stamp_once(
    catalogue: None, api_client: APIClient, django_assert_num_queries: Any
) -> None:
    profile = {k: v for k, v in EXAMPLE.items() if k != "as_of"}
    batch = {"as_of": "2026-11-23", "profiles": [{"ref": f"r{i}", **profile} for i in range(20)]}
    api_client.post(URL + "batch/", batch, format="json")

    with django_assert_num_queries(1):
        response = api_client.post(URL + "batch/", batch, format="json")

    assert response.status_code == 200
    assert [item["status"] for item in response.json()["results"]] == [200] * 20


def test_it_sees_a_newly_published_version_on_the_next_request(
    catalogue: None, api_client: APIClient, seeds_dir: Path, tmp_path: Path
) -> None:
    api_client.post(URL, EXAMPLE, format="json")
    changed = tmp_path / "policies"
    changed.mkdir()
    for path in (seeds_dir / "policies").glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        (changed / path.name).write_text(
            text.replace("新引进入户硕士毕业生生活补贴", "硕士生活补贴（新版）"), encoding="utf-8"
        )
    call_command("load_catalogue", str(tmp_path))

    body = api_client.post(URL, EXAMPLE, format="json").json()

    assert _line(body, "talent-living-subsidy-master", "p1")["name"] == "硕士生活补贴（新版）"


def test_it_stores_nothing(catalogue: None, api_client: APIClient) -> None:
    api_client.post(URL, EXAMPLE, format="json")

    assert Enterprise.objects.count() == 0 and Match.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "path", "chinese"),
    [
        ({"enterprise": {"favourite_colour": "red"}}, "enterprise.favourite_colour", "未知的字段"),
        ({"enterprise": {"employee_count": "many"}}, "enterprise.employee_count", "整数"),
        ({"enterprise": {"industry": "mining"}}, "enterprise.industry", "mining"),
        ({"people": [{}, {"graduated_on": "2025-02-30"}]}, "people[1].graduated_on", "日期"),
        ({"loans": [{"amount": "-5.00"}]}, "loans[0].amount", "负数"),
        ({"loans": [{"amount": "1" + "0" * 30}]}, "loans[0].amount", "数值过大"),
        ({"loans": [{"amount": "1e30"}]}, "loans[0].amount", "以字符串表示的金额"),
        ({"loans": [{"amount": ""}]}, "loans[0].amount", "null"),
        ({"enterprise": {"employee_count": "8"}}, "enterprise.employee_count", "整数"),
        ({"enterprise": {"employee_count": 10**12}}, "enterprise.employee_count", "数值过大"),
        ({"enterprise": {"enterprise_age_years": 2}}, "enterprise.enterprise_age_years", "计算"),
        ({"as_of": "tomorrow"}, "as_of", "日期"),
        ({"people": "p1"}, "people", "列表"),
        ({"people": [{"ref": "a"}, {"ref": "a"}]}, "people[1].ref", "重复"),
        ([1, 2], "", "JSON 对象"),
    ],
)
def test_it_names_the_field_path_of_bad_input(
    api_client: APIClient, body: Any, path: str, chinese: str
) -> None:
    response = api_client.post(URL, body, format="json")

    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "invalid" and error["detail"]
    assert chinese in error["errors"][path]


def test_it_gives_validation_messages_in_english(api_client: APIClient) -> None:
    response = api_client.post(
        URL,
        {"loans": [{"amount": "-5.00"}], "people": [{"degree": "professor"}]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    body = response.json()
    assert body["detail"] == "The request has errors; see errors"
    errors = body["errors"]
    assert errors["loans[0].amount"] == "an amount cannot be negative"
    assert "'professor' is not a choice of" in errors["people[0].degree"]


def test_it_reports_every_bad_field_at_once(api_client: APIClient) -> None:
    body = {"enterprise": {"employee_count": -1, "registered_on": "x"}, "loans": [{"rate": "2"}]}

    errors = api_client.post(URL, body, format="json").json()["errors"]

    assert set(errors) == {"enterprise.employee_count", "enterprise.registered_on", "loans[0].rate"}


def test_it_limits_the_number_of_people(api_client: APIClient, settings: Any) -> None:
    settings.API_MAX_SUBJECTS = 3

    response = api_client.post(URL, {"people": [{}] * 4}, format="json")

    assert response.status_code == 400
    assert "3" in response.json()["errors"]["people"]


def test_it_refuses_an_oversize_body_with_413(api_client: APIClient, settings: Any) -> None:
    settings.API_MAX_BODY_BYTES = 1000
    body = {"people": [{"ref": f"p{i}", "degree": "master"} for i in range(100)]}

    response = api_client.post(URL, body, format="json")

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


@pytest.mark.parametrize("raw", ['{"enterprise": ', '{"enterprise": {"rd_expense": NaN}}'])
def test_it_refuses_malformed_json(api_client: APIClient, raw: str) -> None:
    response = api_client.post(URL, raw, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_it_refuses_a_form_post_with_415(api_client: APIClient) -> None:
    response = api_client.post(URL, "a=1", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_it_refuses_money_sent_as_a_json_number_with_the_form_it_wants(
    api_client: APIClient,
) -> None:
    # The schema says a decimal string: a JSON number (a float to most clients) is refused,
    # so that no amount is silently rounded on its way.
    body = {**EXAMPLE, "loans": [{**EXAMPLE["loans"][0], "amount": 3000000.0}]}

    response = api_client.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "loans[0].amount": "expected an amount in yuan as a string, at most 14 digits and 2 "
        'decimals, e.g. "30000.00"'
    }


def test_it_works_for_every_partner_key(
    catalogue: None, client_for: ClientFor, partner: Partner
) -> None:
    response = client_for(partner, "en").post(URL, EXAMPLE, format="json")

    assert response.status_code == 200
