"""Fixtures of the security tests: two partners, A (the caller) and B (the other one), each with
a key and an enterprise stored through the API, so B's enterprise has people, loans and matches
for A to try to reach."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.forms.models import model_to_dict
from rest_framework.test import APIClient

from enterprises.models import Enterprise, Partner
from tests.api.conftest import ClientFor
from tests.api.conftest import _fresh_throttle_counts as _fresh_throttle_counts  # fixtures
from tests.api.conftest import catalogue as catalogue
from tests.api.conftest import client_for as client_for
from tests.factories import PartnerFactory

ENTERPRISES = "/api/v1/enterprises/"
B_CODE = "91440300MA5GLXJQRJ"  # B's credit code
FRESH_CODE = "91440300MA5FAJEH8G"  # a valid code nobody has registered
B_BODY: dict[str, Any] = {
    "name": "乙方的保密企业",
    "name_en": "Partner B's Secret Co., Ltd.",
    "credit_code": B_CODE,
    "enterprise": {
        "registered_district": "nanshan",
        "registered_on": "2024-03-01",
        "industry": "robotics",
        "employee_count": 8,
    },
    "people": [{"ref": "p1", "degree": "master", "graduated_on": "2025-06-30"}],
    "loans": [{"ref": "l1", "product": "ip_pledge_loan", "amount": "3000000.00", "rate": "0.035"}],
}


@dataclass(frozen=True)
class Stored:
    """An enterprise as its partner's API answered when it was created."""

    id: int
    body: dict[str, Any]


@pytest.fixture
def partner_a() -> Partner:
    return PartnerFactory(name="甲方银行")


@pytest.fixture
def partner_b() -> Partner:
    return PartnerFactory(name="乙方孵化器")


@pytest.fixture
def client_a(client_for: ClientFor, partner_a: Partner) -> APIClient:
    return client_for(partner_a)


@pytest.fixture
def client_b(client_for: ClientFor, partner_b: Partner) -> APIClient:
    return client_for(partner_b)


def create(client: APIClient, **changes: Any) -> Stored:
    response = client.post(ENTERPRISES, {**B_BODY, **changes}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    return Stored(id=body["id"], body=body)


@pytest.fixture
def b_enterprise(catalogue: None, client_b: APIClient) -> Stored:
    return create(client_b)


@pytest.fixture
def missing_id(b_enterprise: Stored) -> int:
    """An id no enterprise has (ids are never reused)."""
    return b_enterprise.id + 1000


def state_of(enterprise_id: int) -> dict[str, Any]:
    """Everything stored about an enterprise: its row, people, loans, matches and history."""
    enterprise = Enterprise.objects.get(pk=enterprise_id)
    return {
        "row": model_to_dict(enterprise),
        "updated_at": enterprise.updated_at,
        "people": list(enterprise.people.order_by("id").values()),
        "loans": list(enterprise.loans.order_by("id").values()),
        "matches": list(enterprise.matches.order_by("id").values()),
        "history": enterprise.history.count(),
    }
