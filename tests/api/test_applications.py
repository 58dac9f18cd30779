"""#16.2: a partner records what its enterprise did about a measure, over HTTP: statuses and
their values in the API's wire forms, transitions (409 when one cannot follow), history,
scoping, and the errors naming each field in the request's language."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rest_framework.test import APIClient

from policy_match.models import Application
from tests.api.conftest import ClientFor
from tests.factories import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u4e00-\u9fff]")
MASTER = "talent-living-subsidy-master"
BODY = {
    "name": "南山机器人",
    "enterprise": {"registered_district": "nanshan", "industry": "robotics"},
    "people": [{"ref": "p1", "degree": "master", "born_on": "1998-05-01"}],
}


@pytest.fixture
def enterprise_url(catalogue: None, api_client: APIClient) -> str:
    response = api_client.post("/api/v1/enterprises/", BODY, format="json")
    assert response.status_code == 201
    return f"/api/v1/enterprises/{response.json()['id']}/applications/"


def _post(client: APIClient, url: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(url, body, format="json", **headers)


def test_a_partner_moves_a_line_from_applied_to_paid_with_its_history(
    api_client: APIClient, enterprise_url: str
) -> None:
    body = {"policy": MASTER, "subject": "p1", "status": "applied", "applied_on": "2026-10-08"}
    created = _post(api_client, enterprise_url, body)
    assert created.status_code == 201, created.json()
    record = created.json()
    assert (record["status"], record["applied_on"], record["subject"]) == (
        "applied", "2026-10-08", "p1",
    )  # fmt: skip
    assert record["name"] == "新引进入户硕士毕业生生活补贴" and record["status_label"] == "已申报"
    detail = f"{enterprise_url}{record['id']}/"

    awarded = api_client.patch(detail, {"status": "awarded", "awarded_amount": "50000"},
                               format="json", HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert awarded.status_code == 200
    assert awarded.json()["awarded_amount"] == "50000.00"
    assert awarded.json()["applied_on"] == "2026-10-08"  # kept
    assert awarded.json()["status_label"] == "Awarded"
    paid = api_client.patch(
        detail, {"status": "paid", "paid_amount": "50000.00", "paid_on": "2026-11-20"},
        format="json",
    )  # fmt: skip
    assert paid.status_code == 200
    assert [s["status"] for s in paid.json()["history"]] == ["paid", "awarded", "applied"]
    assert {s["by"] for s in paid.json()["history"]} == {"partner"}

    back = api_client.patch(detail, {"status": "applied", "applied_on": "2026-11-21"},
                            format="json", HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert back.status_code == 409
    assert back.json()["code"] == "conflict"
    assert back.json()["errors"]["status"] == 'cannot change from "Paid" to "Applied"'
    listed = api_client.get(enterprise_url).json()
    assert [r["status"] for r in listed["results"]] == ["paid"] and "history" not in listed[
        "results"
    ][0]


def test_a_second_record_of_a_line_is_a_conflict(
    api_client: APIClient, enterprise_url: str
) -> None:
    body = {"policy": MASTER, "subject": "p1", "status": "applied", "applied_on": "2026-10-08"}
    assert _post(api_client, enterprise_url, body).status_code == 201
    again = _post(api_client, enterprise_url, body)
    assert again.status_code == 409 and set(again.json()["errors"]) == {"policy"}
    assert Application.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"policy": MASTER, "subject": "p1", "status": "applied"}, {"applied_on"}),
        ({"policy": MASTER, "subject": "p1", "status": "applied", "applied_on": "2026-13-01"},
         {"applied_on"}),
        ({"policy": MASTER, "subject": "p1", "status": "awarded", "awarded_amount": 50000},
         {"awarded_amount"}),  # a JSON number: money is a decimal string
        ({"policy": MASTER, "subject": "p1", "status": "awarded", "awarded_amount": "1e5"},
         {"awarded_amount"}),
        ({"policy": MASTER, "subject": "p1", "status": "won"}, {"status"}),
        ({"policy": "../etc", "subject": "p1", "status": "rejected", "reason": "x"}, {"policy"}),
        ({"policy": MASTER, "status": "rejected", "reason": "x"}, {"subject"}),
        ({"policy": MASTER, "subject": "p1", "status": "rejected", "reason": "x", "id": 3},
         {"id"}),
        ({"policy": MASTER, "subject": "p1", "status": "applied", "applied_on": "2026-10-01",
          "reason": "x"}, {"reason"}),
    ],
)  # fmt: skip
def test_it_refuses_bad_values_naming_each_field(
    api_client: APIClient, enterprise_url: str, body: dict[str, Any], fields: set[str]
) -> None:
    response = _post(api_client, enterprise_url, body, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.json()
    assert set(response.json()["errors"]) == fields
    assert not any(CJK.search(message) for message in response.json()["errors"].values())
    assert not Application.objects.exists()


def test_another_partners_enterprise_is_not_found(
    api_client: APIClient, enterprise_url: str, client_for: ClientFor
) -> None:
    body = {"policy": MASTER, "subject": "p1", "status": "applied", "applied_on": "2026-10-08"}
    record = _post(api_client, enterprise_url, body).json()
    other = client_for(PartnerFactory(name="另一家"))
    assert other.get(enterprise_url).status_code == 404
    assert other.post(enterprise_url, body, format="json").status_code == 404
    assert other.patch(f"{enterprise_url}{record['id']}/", {"status": "rejected", "reason": "x"},
                       format="json").status_code == 404  # fmt: skip


def test_staff_need_the_admins_application_permissions(
    api_client: APIClient, enterprise_url: str, client: Any
) -> None:
    client.force_login(UserFactory(username="viewer", is_staff=True))
    assert client.get(enterprise_url).status_code == 403
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    body = {"policy": MASTER, "subject": "p1", "status": "applied", "applied_on": "2026-10-08"}
    created = client.post(enterprise_url, body, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["history"][0]["by"] == "staff"
