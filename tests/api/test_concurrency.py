"""#12.4 and #12.5: concurrent API writes on PostgreSQL, in real threads with their own
connections: no lost update, no deadlock answered as a 500 while a re-match runs."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from enterprises.models import Enterprise, PartnerAPIKey
from policies.models import Policy
from policy_match.rematch import rematch_chunk_run, rematch_policy_start
from tests.factories import PartnerFactory

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

# Twenty enterprise facts, each set to a value by one of twenty concurrent PATCHes.
FACTS: dict[str, Any] = {
    "registered_district": "nanshan",
    "registered_on": "2024-03-01",
    "registered_capital": "1000000.00",
    "employee_count": 8,
    "annual_revenue": "5000000.00",
    "revenue_growth_rate": "0.200000",
    "rd_expense": "600000.00",
    "industry": "robotics",
    "is_strategic_emerging": True,
    "is_future_industry": True,
    "is_high_tech_enterprise": True,
    "high_tech_certified_on": "2025-01-01",
    "is_specialized_sme": True,
    "invention_patents": 3,
    "ip_count": 12,
    "has_bad_credit": False,
    "tax_registered_in_nanshan": True,
    "is_in_sme_tech_database": True,
    "office_area_sqm": "300.00",
    "funding_stage": "angel",
}


def _in_threads(work: list[Callable[[], Any]]) -> list[Any]:
    """Run every callable at once, each in its own thread (and database connection)."""
    barrier = threading.Barrier(len(work))

    def run(job: Callable[[], Any]) -> Any:
        barrier.wait()
        try:
            return job()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(work)) as pool:
        return list(pool.map(run, work))


@pytest.fixture
def key() -> str:
    _api_key, key = PartnerAPIKey.objects.create_key(name="t", partner=PartnerFactory())
    return key


def _client(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Api-Key {key}")


def test_it_keeps_every_fact_of_twenty_concurrent_patches(key: str, settings: Any) -> None:
    settings.API_THROTTLE_RATE = None
    created = _client(key).post("/api/v1/enterprises/", {"name": "并发"}, "application/json")
    url = f"/api/v1/enterprises/{created.json()['id']}/"

    def patch(name: str, value: Any) -> int:
        body = {"enterprise": {name: value}}
        return _client(key).patch(url, body, "application/json").status_code

    statuses = _in_threads([lambda n=n, v=v: patch(n, v) for n, v in FACTS.items()])

    stored = _client(key).get(url).json()["enterprise"]
    assert statuses == [200] * 20
    assert {name: stored[name] for name in FACTS} == FACTS
    assert Enterprise.objects.get().revision == 21  # the create and twenty changes


def test_it_refuses_a_patch_made_against_a_revision_that_is_gone(key: str) -> None:
    client = _client(key)
    created = client.post("/api/v1/enterprises/", {"name": "甲"}, "application/json")
    url = f"/api/v1/enterprises/{created.json()['id']}/"
    etag = client.get(url)["ETag"]
    client.patch(url, {"name": "乙"}, "application/json")

    stale = client.patch(url, {"name": "丙"}, "application/json", HTTP_IF_MATCH=etag)
    fresh_etag = client.get(url)["ETag"]
    fresh = client.patch(url, {"name": "丁"}, "application/json", HTTP_IF_MATCH=fresh_etag)

    assert stale.status_code == 412 and stale.json()["code"] == "precondition_failed"
    assert fresh.status_code == 200 and fresh.json()["name"] == "丁"
    assert fresh["ETag"] != fresh_etag


def test_it_answers_no_5xx_to_patches_while_a_person_measure_is_rematched(
    catalogue: None, key: str, settings: Any
) -> None:
    settings.API_THROTTLE_RATE = None
    settings.REMATCH_CHUNK_SIZE = 5
    client = _client(key)
    people = [{"ref": f"p{i}", "degree": "master", "hukou_city": "shenzhen"} for i in range(4)]
    ids = [
        client.post(
            "/api/v1/enterprises/",
            {
                "name": f"企业{n}",
                "enterprise": {"registered_district": "nanshan"},
                "people": people,
            },
            "application/json",
        ).json()["id"]
        for n in range(20)
    ]
    policy = Policy.objects.get(slug="talent-living-subsidy-master")

    def rematch() -> list[int]:
        run = rematch_policy_start(policy=policy)
        return [rematch_chunk_run(chunk_id=c.pk) for c in run.chunks.all()]

    def patches(offset: int) -> list[int]:
        codes = []
        for round_ in range(3):
            for n, pk in enumerate(ids):
                # Each PATCH replaces the people (their result rows go and come back).
                degree = "bachelor" if (n + round_ + offset) % 2 else "master"
                body = {"people": [{**p, "degree": degree} for p in people]}
                codes.append(
                    client.patch(f"/api/v1/enterprises/{pk}/", body, "application/json").status_code
                )
        return codes

    results = _in_threads([rematch, rematch, lambda: patches(0), lambda: patches(1)])

    statuses = [code for result in results[2:] for code in result]
    assert len(statuses) == 120 and set(statuses) == {200}
