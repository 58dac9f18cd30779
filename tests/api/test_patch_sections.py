"""#12.3: a PATCH never wipes an enterprise: a null or non-object section is a 400 naming it.

A fact set to null stays the way to make one fact unknown, and `people: []` removes every
person, as the operation's description says.
"""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from enterprises.models import Enterprise

pytestmark = pytest.mark.django_db
BODY: dict[str, Any] = {
    "name": "深圳市灵巧机器人有限公司",
    "enterprise": {"registered_district": "nanshan", "employee_count": 8},
    "people": [{"ref": "p1", "degree": "master"}],
    "loans": [{"ref": "l1", "product": "rd_loan", "amount": "100000.00"}],
}


@pytest.fixture
def stored(api_client: APIClient) -> dict[str, Any]:
    response = api_client.post("/api/v1/enterprises/", BODY, format="json")
    assert response.status_code == 201
    return response.json()


@pytest.mark.parametrize(
    ("body", "paths"),
    [
        ({"enterprise": None, "people": None, "loans": None}, ["enterprise", "loans", "people"]),
        ({"enterprise": []}, ["enterprise"]),
        ({"enterprise": "nanshan"}, ["enterprise"]),
        ({"people": None}, ["people"]),
        ({"loans": {}}, ["loans"]),
    ],
)
def test_it_refuses_a_section_that_is_null_or_not_its_type(
    api_client: APIClient, stored: dict[str, Any], body: dict[str, Any], paths: list[str]
) -> None:
    url = f"/api/v1/enterprises/{stored['id']}/"

    response = api_client.patch(url, body, format="json")

    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == paths
    again = api_client.get(url).json()
    assert again["enterprise"] == stored["enterprise"]
    assert again["people"] == stored["people"] and again["loans"] == stored["loans"]


def test_it_refuses_a_null_section_on_match_and_create(api_client: APIClient) -> None:
    matched = api_client.post("/api/v1/match/", {"people": None}, format="json")
    created = api_client.post(
        "/api/v1/enterprises/", {"name": "x", "enterprise": None}, format="json"
    )

    assert matched.status_code == created.status_code == 400
    assert list(matched.json()["errors"]) == ["people"]
    assert list(created.json()["errors"]) == ["enterprise"]
    assert not Enterprise.objects.filter(name="x").exists()


def test_it_makes_one_fact_unknown_with_null_and_removes_people_with_an_empty_list(
    api_client: APIClient, stored: dict[str, Any]
) -> None:
    url = f"/api/v1/enterprises/{stored['id']}/"

    response = api_client.patch(
        url, {"enterprise": {"employee_count": None}, "people": []}, format="json"
    )

    assert response.status_code == 200
    changed = response.json()
    assert changed["enterprise"]["employee_count"] is None
    assert changed["enterprise"]["registered_district"] == "nanshan"
    assert changed["people"] == [] and changed["loans"] == stored["loans"]
