"""#19.3: POST /api/v1/match/batch/ answers many profiles in one request: each as /match/
would, in order, a refused profile on its own; a batch counts as its profiles against the
key's rate."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db
URL = "/api/v1/match/batch/"
ROBOTICS: dict[str, Any] = {
    "enterprise": {"registered_district": "nanshan", "registered_on": "2024-03-01",
                   "industry": "robotics"},
    "people": [{"ref": "p1", "degree": "master", "graduated_on": "2025-06-30"}],
}  # fmt: skip
FUTIAN: dict[str, Any] = {"enterprise": {"registered_district": "futian"}}


def _match(api_client: APIClient, body: dict[str, Any]) -> Any:
    answer = api_client.post("/api/v1/match/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 200
    return answer.json()


def test_each_profile_is_answered_in_order_as_match_answers_it(
    catalogue: None, api_client: APIClient
) -> None:
    body = {
        "as_of": "2026-11-23",
        "profiles": [{"ref": "b-1", **ROBOTICS}, {"ref": "b-2", **FUTIAN}],
    }

    response = api_client.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    answer = response.json()
    assert answer["as_of"] == "2026-11-23"
    assert [(r["ref"], r["status"]) for r in answer["results"]] == [("b-1", 200), ("b-2", 200)]
    for item, profile in zip(answer["results"], (ROBOTICS, FUTIAN), strict=True):
        assert item["match"] == _match(api_client, {"as_of": "2026-11-23", **profile})


def test_a_refused_profile_does_not_fail_the_others(catalogue: None, api_client: APIClient) -> None:
    bad = {"ref": "bad", "enterprise": {"registered_on": "2024-13-01"}, "as_of": "2026-01-01"}
    body = {"profiles": [{"ref": "good", **FUTIAN}, bad]}

    answer = api_client.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="en").json()

    good, refused = answer["results"]
    assert good["status"] == 200 and "match" in good
    assert refused["status"] == 400 and refused["ref"] == "bad"
    assert set(refused["error"]["errors"]) == {"as_of", "enterprise.registered_on"}
    assert refused["error"]["code"] == "invalid"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"profiles": []}, "profiles"),
        ({"profiles": [{"ref": f"r{i}"} for i in range(101)]}, "profiles"),
        ({"profiles": [{"ref": "a"}, {"ref": "a"}]}, "profiles[1].ref"),
        ({"profiles": [{"enterprise": {}}]}, "profiles[0].ref"),
        ({"profiles": [{"ref": "a"}], "as_of": "tomorrow"}, "as_of"),
        ({"profiles": [{"ref": "a"}], "extra": 1}, "extra"),
        (
            {"profiles": [{"ref": f"r{i}", "people": [{}] * 120} for i in range(100)]},
            "profiles",
        ),
    ],
)
def test_a_wrong_envelope_refuses_the_batch_naming_the_field(
    catalogue: None, api_client: APIClient, settings: Any, body: dict[str, Any], field: str
) -> None:
    settings.API_MAX_BODY_BYTES = 10 * 1024 * 1024
    response = api_client.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_a_batch_counts_as_its_profiles_against_the_rate(
    catalogue: None, api_client: APIClient, settings: Any
) -> None:
    cache.clear()
    settings.API_THROTTLE_RATE = "5/minute"
    four = {"profiles": [{"ref": f"r{i}", **FUTIAN} for i in range(4)]}
    two = {"profiles": [{"ref": f"r{i}", **FUTIAN} for i in range(2)]}

    assert api_client.post(URL, four, format="json").status_code == 200
    refused = api_client.post(URL, two, format="json")
    assert refused.status_code == 429 and refused.json()["code"] == "throttled"
