"""A partner's enterprises over HTTP: CRUD with people and loans, scoping, stored matches."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from enterprises.models import Enterprise, Loan, Partner, Person
from policy_match.models import Match
from tests.api.conftest import ClientFor
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/enterprises/"
BODY: dict[str, Any] = {
    "name": "深圳市灵巧机器人有限公司",
    "name_en": "Shenzhen Nimble Robotics Co., Ltd.",
    "credit_code": "91440300MA5GLXJQRJ",
    "enterprise": {
        "registered_district": "nanshan",
        "registered_on": "2024-03-01",
        "industry": "robotics",
        "employee_count": 8,
    },
    "people": [
        {"ref": "p1", "degree": "master", "graduated_on": "2025-06-30"},
        {"ref": "p2", "degree": "bachelor"},
    ],
    "loans": [{"ref": "l1", "product": "ip_pledge_loan", "amount": "3000000.00", "rate": "0.035"}],
}


@pytest.fixture
def other_client(client_for: ClientFor) -> APIClient:
    return client_for(PartnerFactory(name="深圳湾创业广场"))


def _create(client: APIClient, **changes: Any) -> dict[str, Any]:
    response = client.post(URL, {**BODY, **changes}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_it_creates_an_enterprise_with_its_people_and_loans(
    catalogue: None, api_client: APIClient, partner: Partner
) -> None:
    response = api_client.post(URL, BODY, format="json")

    assert response.status_code == 201
    created = response.json()
    assert created["name"] == BODY["name"] and created["credit_code"] == BODY["credit_code"]
    assert created["enterprise"]["employee_count"] == 8
    assert created["enterprise"]["annual_revenue"] is None
    assert [p["ref"] for p in created["people"]] == ["p1", "p2"]
    assert created["loans"][0]["amount"] == "3000000.00"
    assert created["loans"][0]["rate"] == "0.035000"
    assert Enterprise.objects.get().partner == partner


def test_it_stores_the_matches_at_once(catalogue: None, api_client: APIClient) -> None:
    created = _create(api_client)

    response = api_client.get(f"{URL}{created['id']}/matches/")

    assert response.status_code == 200
    lines = response.json()["results"]
    master = next(
        m
        for m in lines
        if m["policy"] == "talent-living-subsidy-master" and m["subject"]["ref"] == "p1"
    )
    assert master["status"] == "undetermined"
    assert master["name"] == "新引进入户硕士毕业生生活补贴"
    assert {"fact": "hukou_transferred_on", "label": "迁入深圳户籍日期"} in master["missing"]
    assert response.json()["count"] == Match.objects.count() > 0


def test_it_filters_matches_by_status_and_names_them_in_english(
    catalogue: None, api_client: APIClient
) -> None:
    created = _create(api_client)

    response = api_client.get(
        f"{URL}{created['id']}/matches/?status=eligible", HTTP_ACCEPT_LANGUAGE="en"
    )

    lines = response.json()["results"]
    assert lines and {m["status"] for m in lines} == {"eligible"}
    lifecycle = next(m for m in lines if m["policy"] == "lifecycle-one-stop-service")
    assert lifecycle["name"] == "One-stop lifecycle services"


def test_it_lists_only_the_partners_own_enterprises(
    catalogue: None, api_client: APIClient, other_client: APIClient
) -> None:
    mine = _create(api_client)
    _create(other_client, credit_code=None, name="别家的企业")

    response = api_client.get(URL)

    assert response.status_code == 200
    assert [e["id"] for e in response.json()["results"]] == [mine["id"]]
    assert response.json()["count"] == 1


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "", None),
        ("patch", "", {"name": "改名"}),
        ("delete", "", None),
        ("get", "matches/", None),
    ],
)
def test_it_answers_404_for_another_partners_enterprise(
    catalogue: None,
    api_client: APIClient,
    other_client: APIClient,
    method: str,
    suffix: str,
    body: dict[str, Any] | None,
) -> None:
    theirs = _create(other_client)

    response = getattr(api_client, method)(f"{URL}{theirs['id']}/{suffix}", body, format="json")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert Enterprise.objects.get().name == BODY["name"]


def test_it_merges_facts_and_replaces_lists_on_patch(
    catalogue: None, api_client: APIClient
) -> None:
    created = _create(api_client)

    response = api_client.patch(
        f"{URL}{created['id']}/",
        {"enterprise": {"employee_count": 12, "industry": None}, "people": [{"ref": "p9"}]},
        format="json",
    )

    assert response.status_code == 200
    changed = response.json()
    assert changed["name"] == BODY["name"]
    assert changed["enterprise"]["employee_count"] == 12
    assert changed["enterprise"]["industry"] is None
    assert changed["enterprise"]["registered_on"] == "2024-03-01"
    assert [p["ref"] for p in changed["people"]] == ["p9"]
    assert [loan["ref"] for loan in changed["loans"]] == ["l1"]
    refs = set(Match.objects.exclude(subject_ref="").values_list("subject_ref", flat=True))
    assert refs == {"p9", "l1"}


def test_it_deletes_an_enterprise_with_everything_it_holds(
    catalogue: None, api_client: APIClient
) -> None:
    created = _create(api_client)

    response = api_client.delete(f"{URL}{created['id']}/")

    assert response.status_code == 204
    assert api_client.get(f"{URL}{created['id']}/").status_code == 404
    assert (Enterprise.objects.count(), Person.objects.count(), Loan.objects.count()) == (0, 0, 0)
    assert Match.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"credit_code": "91440300MA5GLXJQRA"}, "credit_code"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"people": [{"ref": "p1", "graduated_on": "2025-13-01"}]}, "people[0].graduated_on"),
        ({"loans": [{"amount": "100000000000000"}]}, "loans[0].amount"),
        ({"enterprise": {"revenue_growth_rate": "0.1234567"}}, "enterprise.revenue_growth_rate"),
        ({"people": [{"hukou_city": "a" * 41}]}, "people[0].hukou_city"),
        ({"as_of": "2026-01-01"}, "as_of"),
    ],
)
def test_it_stores_nothing_when_the_input_is_bad(
    api_client: APIClient, changes: dict[str, Any], path: str
) -> None:
    response = api_client.post(URL, {**BODY, **changes}, format="json")

    assert response.status_code == 400
    assert path in response.json()["errors"]
    assert Enterprise.objects.count() == 0 and Person.objects.count() == 0


def test_it_requires_a_name_on_create_but_not_on_patch(
    catalogue: None, api_client: APIClient
) -> None:
    missing = api_client.post(URL, {"enterprise": {}}, format="json")
    created = _create(api_client)

    patched = api_client.patch(f"{URL}{created['id']}/", {}, format="json")

    assert "name" in missing.json()["errors"]
    assert patched.status_code == 200 and patched.json()["name"] == BODY["name"]


def test_it_refuses_a_credit_code_the_partner_already_used(
    catalogue: None, api_client: APIClient
) -> None:
    _create(api_client)

    response = api_client.post(URL, BODY, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "credit_code": "已有企业使用此统一社会信用代码",
    }
    assert Enterprise.objects.count() == 1


def test_it_refuses_a_patch_to_a_credit_code_the_partner_already_used(
    catalogue: None, api_client: APIClient
) -> None:
    _create(api_client)
    other = _create(api_client, credit_code=None, name="另一家")

    response = api_client.patch(
        f"{URL}{other['id']}/", {"credit_code": BODY["credit_code"]}, format="json"
    )

    assert response.status_code == 400
    assert "credit_code" in response.json()["errors"]
    assert Enterprise.objects.get(pk=other["id"]).credit_code is None


def test_it_accepts_a_credit_code_another_partner_used(
    catalogue: None, api_client: APIClient, other_client: APIClient
) -> None:
    # Each partner has its own namespace of credit codes (tests/security has the details).
    _create(other_client)

    response = api_client.post(URL, BODY, format="json")

    assert response.status_code == 201
    assert Enterprise.objects.filter(credit_code=BODY["credit_code"]).count() == 2


def test_it_keeps_the_old_profile_when_a_patch_is_bad(
    catalogue: None, api_client: APIClient
) -> None:
    created = _create(api_client)

    response = api_client.patch(
        f"{URL}{created['id']}/", {"people": [{"age": 200}], "name": "新名字"}, format="json"
    )

    assert response.status_code == 400
    assert "people[0].age" in response.json()["errors"]
    assert api_client.get(f"{URL}{created['id']}/").json() == created


def test_it_puts_errors_in_english_when_asked(api_client: APIClient) -> None:
    response = api_client.post(
        URL,
        {"name": "x", "people": [{"born_on": "2025-02-30", "age": 30}]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    errors = response.json()["errors"]
    assert errors["people[0].born_on"] == "expected a date (YYYY-MM-DD)"
    # A stored person keeps a birth date, not an age that would never grow older.
    assert errors["people[0].age"] == "'age' is computed: give born_on instead"
