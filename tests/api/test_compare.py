"""#14.8: POST /api/v1/match/compare/ answers both summaries and the lines that change."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from enterprises.models import Enterprise

pytestmark = pytest.mark.django_db
URL = "/api/v1/match/compare/"
PROFILE: dict[str, Any] = {
    "enterprise": {"registered_district": "futian", "registered_on": "2024-03-01",
                   "industry": "robotics", "has_bad_credit": False},
    "people": [{"ref": "p1", "degree": "master", "born_on": "1996-05-01"}],
}  # fmt: skip


def test_it_compares_a_profile_with_an_answer_changed(
    catalogue: None, api_client: APIClient
) -> None:
    body = {
        "as_of": "2026-11-23",
        "profile": PROFILE,
        "changes": [{"fact": "registered_district", "value": "nanshan"}],
    }

    response = api_client.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    answer = response.json()
    assert set(answer) == {"as_of", "before", "after", "changed"}
    assert int(answer["after"]["eligible"]) > int(answer["before"]["eligible"])
    changed = {(c["policy"], c["subject"]["ref"]): c for c in answer["changed"]}
    award = changed[("key-industry-startup-talent-award", "p1")]
    assert award["before"]["status"] == "ineligible" and award["after"]["status"] != "ineligible"
    assert all(c["before"] != c["after"] for c in answer["changed"])
    assert not Enterprise.objects.exists()


def test_it_changes_a_persons_fact_by_ref_and_makes_a_fact_unknown_with_null(
    catalogue: None, api_client: APIClient
) -> None:
    body = {
        "profile": PROFILE,
        "changes": [{"fact": "degree", "ref": "p1", "value": "bachelor"},
                    {"fact": "registered_district", "value": "nanshan"},
                    {"fact": "industry", "value": None}],
    }  # fmt: skip

    answer = api_client.post(URL, body, format="json").json()

    changed = {(c["policy"], c["subject"]["ref"]): c for c in answer["changed"]}
    assert changed[("talent-living-subsidy-bachelor", "p1")]["before"]["status"] == "ineligible"
    assert changed[("talent-living-subsidy-bachelor", "p1")]["after"]["status"] == "undetermined"
    assert changed[("office-zero-rent-accelerator", None)]["after"]["status"] == "undetermined"


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ([], "changes"),
        ([{"fact": "favourite_colour", "value": 1}], "changes[0].fact"),
        ([{"fact": "enterprise_age_years", "value": 1}], "changes[0].fact"),
        ([{"fact": "degree", "ref": "p9", "value": "phd"}], "changes[0].ref"),
        ([{"fact": "registered_district", "ref": "p1", "value": "nanshan"}], "changes[0].ref"),
        ([{"fact": "registered_district", "value": "mars"}], "changes[0].value"),
        ([{"fact": "annual_revenue", "value": 5000000}], "changes[0].value"),
        ([{"fact": "annual_revenue"}], "changes[0].value"),
        ([{"fact": "degree", "ref": "p1", "value": "phd", "extra": 1}], "changes[0]"),
        ([{"fact": "registered_district", "value": "nanshan"}] * 51, "changes"),
    ],
)
def test_it_refuses_a_change_it_cannot_apply_naming_its_path(
    catalogue: None, api_client: APIClient, changes: list[Any], path: str
) -> None:
    response = api_client.post(URL, {"profile": PROFILE, "changes": changes}, format="json")

    assert response.status_code == 400
    assert path in response.json()["errors"]


def test_it_refuses_a_bad_profile_under_its_own_path(api_client: APIClient) -> None:
    body = {"profile": {"enterprise": {"employee_count": "many"}},
            "changes": [{"fact": "employee_count", "value": 3}]}  # fmt: skip

    response = api_client.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert list(response.json()["errors"]) == ["profile.enterprise.employee_count"]


def test_a_comparison_costs_one_query_the_key_with_the_catalogue_stamp(
    catalogue: None, api_client: APIClient, django_assert_num_queries: Any
) -> None:
    body = {"profile": PROFILE, "changes": [{"fact": "registered_district", "value": "nanshan"}]}
    api_client.post(URL, body, format="json")  # compiles the catalogue once

    with django_assert_num_queries(1):
        response = api_client.post(URL, body, format="json")

    assert response.status_code == 200
