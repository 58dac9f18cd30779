"""#12.9 and #12.14: one spelling per value. Dates are ISO YYYY-MM-DD strings, a company is not
registered after the evaluation date, names have something visible in them, and a credit
code is the same code whatever its letter case."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from enterprises.models import Enterprise

pytestmark = pytest.mark.django_db
CODE = "91440300MA5GLXJQRJ"


@pytest.mark.parametrize(
    "as_of", [20260101, "2026-W01-1", "20260101", "2026-1-1", "２０２６-01-01"]
)
def test_it_refuses_an_evaluation_date_that_is_not_an_iso_date_string(
    api_client: APIClient, as_of: Any
) -> None:
    response = api_client.post("/api/v1/match/", {"as_of": as_of}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["as_of"]


@pytest.mark.parametrize("registered_on", ["20240301", "2024-W10-5", "2024-061"])
def test_it_refuses_a_fact_date_in_another_iso_spelling(
    api_client: APIClient, registered_on: str
) -> None:
    response = api_client.post(
        "/api/v1/match/", {"enterprise": {"registered_on": registered_on}}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["enterprise.registered_on"]


def test_it_refuses_a_registration_after_the_evaluation_date(api_client: APIClient) -> None:
    body = {"as_of": "2026-11-23", "enterprise": {"registered_on": "9999-12-31"}}

    matched = api_client.post("/api/v1/match/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    stored = api_client.post(
        "/api/v1/enterprises/",
        {"name": "未来公司", "enterprise": {"registered_on": "9999-12-31"}},
        format="json",
    )
    same_day = api_client.post(
        "/api/v1/match/",
        {"as_of": "2026-11-23", "enterprise": {"registered_on": "2026-11-23"}},
        format="json",
    )

    assert matched.status_code == stored.status_code == 400
    assert matched.json()["errors"] == {
        "enterprise.registered_on": "may not be after the evaluation date 2026-11-23"
    }
    assert list(stored.json()["errors"]) == ["enterprise.registered_on"]
    assert same_day.status_code == 200
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize(
    "name", ["\u200b", "\u200b\u200c\u200d", " \u3000 ", "\ufeff", "a\nb", "名称\x1b[31m", "\x07"]
)
def test_it_refuses_a_name_with_nothing_visible_or_with_control_characters(
    api_client: APIClient, name: str
) -> None:
    response = api_client.post("/api/v1/enterprises/", {"name": name}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["name"]
    assert not Enterprise.objects.exists()


def test_it_stores_a_credit_code_upper_case_and_refuses_its_lower_case_twin(
    api_client: APIClient,
) -> None:
    first = api_client.post(
        "/api/v1/enterprises/", {"name": "甲", "credit_code": f"  {CODE.lower()} "}, format="json"
    )
    twin = api_client.post(
        "/api/v1/enterprises/", {"name": "乙", "credit_code": CODE}, format="json"
    )

    assert first.status_code == 201 and first.json()["credit_code"] == CODE
    assert twin.status_code == 400 and list(twin.json()["errors"]) == ["credit_code"]
    assert list(Enterprise.objects.values_list("credit_code", flat=True)) == [CODE]
