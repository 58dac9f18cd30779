"""GET /api/v1/policies/ and /policies/{slug}/, and GET /api/v1/facts/, over HTTP."""

import pytest
from rest_framework.test import APIClient

from policy_match.rules import FACTS

pytestmark = pytest.mark.django_db

URL = "/api/v1/policies/"
PUBLISHED = 34  # 35 measures in seeds/, one of them a draft


def _slugs(client: APIClient, query: str = "") -> list[str]:
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200, response.json()
    return [p["slug"] for p in response.json()["results"]]


def test_it_lists_the_published_measures_a_page_at_a_time(
    catalogue: None, api_client: APIClient
) -> None:
    first = api_client.get(f"{URL}?page_size=20").json()
    second = api_client.get(first["next"]).json()

    assert first["count"] == second["count"] == PUBLISHED
    assert len(first["results"]) == 20 and second["next"] is None
    slugs = [p["slug"] for p in first["results"] + second["results"]]
    assert len(set(slugs)) == PUBLISHED
    assert "shenzhen-new-talent-living-subsidy" not in slugs  # a draft


@pytest.mark.parametrize(
    ("query", "field", "value"),
    [
        ("category=talent", "category", "talent"),
        ("subject=loan", "subject", "loan"),
    ],
)
def test_it_filters_by_category_and_subject(
    catalogue: None, api_client: APIClient, query: str, field: str, value: str
) -> None:
    results = api_client.get(f"{URL}?{query}").json()["results"]

    assert results and {p[field] for p in results} == {value}


def test_it_filters_by_the_date_a_measure_is_valid_on(
    catalogue: None, api_client: APIClient
) -> None:
    before = _slugs(api_client, "active_on=2025-06-01")
    after = _slugs(api_client, "active_on=2025-12-01")

    assert "gaming-key-talent-subsidy" not in before  # valid from 2025-11-18
    assert "gaming-key-talent-subsidy" in after
    assert "talent-living-subsidy-master" in before  # valid from 2025-03-26


@pytest.mark.parametrize("q", ["硕士", "master's", "TALENT-LIVING"])
def test_it_searches_names_summaries_and_slugs(
    catalogue: None, api_client: APIClient, q: str
) -> None:
    assert "talent-living-subsidy-master" in _slugs(api_client, f"q={q}")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("category=nope", "category"),
        ("active_on=2025-02-30", "active_on"),
        ("subject=x", "subject"),
    ],
)
def test_it_names_a_bad_filter(api_client: APIClient, query: str, field: str) -> None:
    response = api_client.get(f"{URL}?{query}")

    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_it_answers_404_for_a_page_past_the_end(catalogue: None, api_client: APIClient) -> None:
    response = api_client.get(f"{URL}?page=99")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_it_shows_one_measure_with_its_rule_in_sentences(
    catalogue: None, api_client: APIClient
) -> None:
    chinese = api_client.get(f"{URL}talent-living-subsidy-master/").json()
    english = api_client.get(
        f"{URL}talent-living-subsidy-master/", HTTP_ACCEPT_LANGUAGE="en"
    ).json()

    assert chinese["name"] == "新引进入户硕士毕业生生活补贴"
    assert english["name"] == "Living subsidy for newly settled master's graduates"
    assert chinese["rule"] == english["rule"] and "all" in chinese["rule"]
    assert chinese["rule_text"][0] == "同时满足以下全部条件："
    assert english["rule_text"][0] == "All of the following:"
    assert chinese["benefit"]["cap"] == "50000.00"
    assert chinese["sources"] and chinese["sources"][0]["title"]
    assert english["subject"] == "person"


def test_it_answers_404_for_a_draft_or_unknown_measure(
    catalogue: None, api_client: APIClient
) -> None:
    for slug in ("shenzhen-new-talent-living-subsidy", "no-such-measure"):
        response = api_client.get(f"{URL}{slug}/", HTTP_ACCEPT_LANGUAGE="en")

        assert response.status_code == 404
        assert response.json() == {"code": "not_found", "detail": "Not found."}


def test_it_lists_every_fact_of_the_registry(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/facts/")

    facts = {f["name"]: f for f in response.json()}
    assert set(facts) == set(FACTS)
    district = facts["registered_district"]
    assert district["label"] == "注册地（区）"
    assert {"code": "nanshan", "label": "南山区"} in district["choices"]
    assert facts["enterprise_age_years"]["derived"] is True
    assert facts["enterprise_age_years"]["inputs"] == ["registered_on"]
    assert facts["amount"] == {
        **facts["amount"],
        "subject": "loan",
        "type": "decimal",
        "unit": "元",
    }


def test_it_lists_the_facts_in_english(api_client: APIClient) -> None:
    facts = {
        f["name"]: f for f in api_client.get("/api/v1/facts/", HTTP_ACCEPT_LANGUAGE="en").json()
    }

    assert facts["amount"]["unit"] == "yuan"
    assert {"code": "nanshan", "label": "Nanshan"} in facts["registered_district"]["choices"]
