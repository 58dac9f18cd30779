"""The design §7 contract: its example request gets a response with exactly its fields."""

import re
from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

# Verbatim from design.md §7.
DESIGN_REQUEST = {
    "as_of": "2026-11-23",
    "enterprise": {
        "registered_district": "nanshan",
        "registered_on": "2024-03-01",
        "industry": "robotics",
        "employee_count": 8,
    },
    "people": [{"ref": "p1", "degree": "master", "graduated_on": "2025-06-30"}],
    "loans": [{"ref": "l1", "product": "ip_pledge_loan", "amount": "3000000.00", "rate": "0.035"}],
}
MONEY = re.compile(r"^\d+\.\d{2}$")
STATUSES = {"eligible", "ineligible", "undetermined"}


def _money(value: Any) -> bool:
    return isinstance(value, str) and MONEY.match(value) is not None


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_it_answers_the_design_example_with_exactly_the_documented_fields(
    catalogue: None, api_client: APIClient, language: str
) -> None:
    response = api_client.post(
        "/api/v1/match/", DESIGN_REQUEST, format="json", HTTP_ACCEPT_LANGUAGE=language
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"as_of", "summary", "results"}
    assert body["as_of"] == "2026-11-23"
    summary = body["summary"]
    assert set(summary) == {
        "eligible",
        "ineligible",
        "undetermined",
        "total_amount",
        "could_unlock_amount",
        "entitled_amount",
        "competitive_amount",
        "within_reach",
        "ask_next",
    }
    assert _money(summary["entitled_amount"]) and _money(summary["competitive_amount"])
    entitled, competitive = (Decimal(summary[k]) for k in ("entitled_amount", "competitive_amount"))
    assert entitled + competitive == Decimal(summary["total_amount"])
    for change in summary["within_reach"]:
        assert set(change) == {"fact", "ref", "current", "target", "text", "unlocks", "amount"}
        assert set(change["target"]) == {"op", "value"} and _money(change["amount"])
    for question in summary["ask_next"]:
        assert set(question) == {"fact", "ref", "label", "decides", "amount"}
        assert question["decides"] and _money(question["amount"])
    assert all(type(summary[k]) is int for k in ("eligible", "ineligible", "undetermined"))
    assert _money(summary["total_amount"]) and _money(summary["could_unlock_amount"])
    assert summary["eligible"] + summary["ineligible"] + summary["undetermined"] == len(
        body["results"]
    )
    assert {r["status"] for r in body["results"]} == STATUSES
    for result in body["results"]:
        assert set(result) == {
            "policy",
            "name",
            "category",
            "status",
            "subject",
            "amount",
            "amount_note",
            "reasons",
            "missing",
            "award",
            "amount_kind",
            "confidence",
            "unlock",
            "unlock_amount",
            "unlock_reason",
            "window",
            "documents",
        }
        assert result["window"]["state"] in {"open", "upcoming", "closed", "rolling", "unknown"}
        assert result["award"] in {"entitled", "competitive"}
        assert result["amount_kind"] in {"exact", "up_to"}
        assert result["confidence"] in {"stated", "derived", "assumed"}
        assert isinstance(result["policy"], str) and isinstance(result["name"], str)
        assert isinstance(result["category"], str) and result["status"] in STATUSES
        assert set(result["subject"]) == {"type", "ref"}
        assert result["subject"]["type"] in {"enterprise", "person", "loan"}
        expected_ref = {"enterprise": None, "person": "p1", "loan": "l1"}[result["subject"]["type"]]
        assert result["subject"]["ref"] == expected_ref
        assert result["amount"] is None or _money(result["amount"])
        assert isinstance(result["amount_note"], str)
        for reason in result["reasons"]:
            assert set(reason) == {"text", "outcome", "fact", "kind", "depth", "alternative",
                                   "basis", "note", "source"}  # fmt: skip
            assert reason["outcome"] in {"true", "false", "unknown"}
            assert isinstance(reason["text"], str) and isinstance(reason["depth"], int)
            assert reason["kind"] in {"all", "any", "not", "condition"}
            assert (reason["fact"] is None) == (reason["kind"] != "condition")
            assert reason["basis"] in {"stated", "derived", "assumed", None}
        for missing in result["missing"]:
            assert set(missing) == {"fact", "label"}
            assert all(isinstance(v, str) and v for v in missing.values())
    master = next(r for r in body["results"] if r["policy"] == "talent-living-subsidy-master")
    assert master["amount"] == "50000.00"
    assert "hukou_transferred_on" in [m["fact"] for m in master["missing"]]
