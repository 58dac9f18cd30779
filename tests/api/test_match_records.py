"""#13.6: GET /api/v1/enterprises/{id}/matches/{policy}/ explains a stored result from what was
stored with it (never today's profile), in both languages, for its partner only."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from enterprises.models import Enterprise
from policy_match.models import Match
from tests.api.conftest import ClientFor
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db
BODY: dict[str, Any] = {
    "name": "深圳市灵巧机器人有限公司",
    "enterprise": {
        "registered_district": "nanshan",
        "registered_on": "2024-03-01",
        "industry": "robotics",
        "has_bad_credit": False,
    },
    "people": [{"ref": "p1", "degree": "master", "born_on": "1996-05-01", "is_founder": True}],
    "loans": [{"ref": "l1", "product": "ip_pledge_loan", "amount": "3000000.00", "rate": "0.035"}],
}


@pytest.fixture
def stored(catalogue: None, api_client: APIClient) -> int:
    response = api_client.post("/api/v1/enterprises/", BODY, format="json")
    assert response.status_code == 201
    return int(response.json()["id"])


def test_it_returns_the_decision_record_of_an_enterprise_measure(
    api_client: APIClient, stored: int
) -> None:
    response = api_client.get(
        f"/api/v1/enterprises/{stored}/matches/office-zero-rent-accelerator/",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["policy"] == "office-zero-rent-accelerator" and body["name"]
    (record,) = body["results"]
    assert record["subject"] == {"type": "enterprise", "ref": None}
    assert record["version"]["number"] == 1 and record["recorded"] is True
    assert record["evaluated_on"] == record["confirmed"]["on"]
    inputs = {value["fact"]: value for value in record["inputs"]}
    assert inputs["industry"]["value"] == "robotics"
    assert inputs["industry"]["shown"] == "robotics / embodied AI"
    assert inputs["registered_on"]["value"] == "2024-03-01"
    assert [r["outcome"] for r in record["reasons"] if r["fact"] == "industry"] == ["true"]
    assert all(r["text"] for r in record["reasons"])
    assert body["changes"][0]["from_status"] is None  # the first result: created
    assert body["changes"][0]["to_status"] == record["status"]


def test_it_explains_from_the_stored_values_not_from_todays_profile(
    api_client: APIClient, stored: int
) -> None:
    url = f"/api/v1/enterprises/{stored}/matches/office-zero-rent-accelerator/"
    before = api_client.get(url).json()["results"][0]
    # The profile changes without a re-match (as while one is under way).
    Enterprise.objects.filter(pk=stored).update(industry="fintech")

    after = api_client.get(url).json()["results"][0]

    assert after == before
    industry = next(v for v in after["inputs"] if v["fact"] == "industry")
    assert industry["value"] == "robotics"


def test_it_gives_a_person_measure_one_record_a_person_and_the_formula_of_a_loan_one(
    api_client: APIClient, stored: int
) -> None:
    person = api_client.get(
        f"/api/v1/enterprises/{stored}/matches/key-industry-startup-talent-award/"
    ).json()
    loan = api_client.get(
        f"/api/v1/enterprises/{stored}/matches/ip-pledge-financing-subsidy/"
    ).json()

    (record,) = person["results"]
    assert record["subject"] == {"type": "person", "ref": "p1"}
    assert {"born_on", "registered_on"} <= {v["fact"] for v in record["inputs"]}
    assert record["version"]["number"] == 2  # the version in force today (age limit 45)
    (loan_record,) = loan["results"]
    formula = loan_record["formula"]
    assert formula is not None and formula["amount"] == loan_record["amount"]
    assert {"amount", "rate"} <= {v["fact"] for v in formula["inputs"]} | {
        v["fact"] for v in loan_record["inputs"]
    }


def test_it_answers_another_partner_as_for_a_measure_nobody_stored(
    api_client: APIClient, client_for: ClientFor, stored: int
) -> None:
    other = client_for(PartnerFactory(name="另一合作方"))
    url = f"/api/v1/enterprises/{stored}/matches/office-zero-rent-accelerator/"

    theirs = other.get(url)
    missing = other.get(f"/api/v1/enterprises/{stored + 1000}/matches/loan-rd/")
    unknown = api_client.get(f"/api/v1/enterprises/{stored}/matches/no-such-measure/")

    assert theirs.status_code == missing.status_code == unknown.status_code == 404
    assert theirs.content == missing.content


def test_it_writes_nothing_when_a_patch_changes_nothing_and_records_a_change_once(
    api_client: APIClient, stored: int
) -> None:
    url = f"/api/v1/enterprises/{stored}/"
    written = dict(Match.objects.filter(enterprise_id=stored).values_list("pk", "evaluated_at"))

    api_client.patch(url, {"name": "新名称"}, format="json")
    unchanged = dict(Match.objects.filter(enterprise_id=stored).values_list("pk", "evaluated_at"))
    api_client.patch(url, {"enterprise": {"industry": "fintech"}}, format="json")

    assert unchanged == written  # same rows, none rewritten
    record = api_client.get(f"{url}matches/office-zero-rent-accelerator/").json()
    assert [c["to_status"] for c in record["changes"]] == ["ineligible", "eligible"]
    assert record["changes"][0]["cause"] == "profile"
