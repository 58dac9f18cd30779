"""Partner API calls skip the page middleware (config.middleware); every other request keeps it."""

import pytest
from django.test import Client

from enterprises.models import PartnerAPIKey
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def key() -> str:
    _api_key, key = PartnerAPIKey.objects.create_key(name="test", partner=PartnerFactory())
    return key


def test_it_answers_a_partner_call_without_page_headers_or_cookies(key: str) -> None:
    response = Client().get(
        "/api/v1/partner/", HTTP_AUTHORIZATION=f"Api-Key {key}", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert "Content-Security-Policy" not in response
    assert not response.cookies
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Language"] == "en"
    assert "Accept-Language" in response["Vary"]


def test_it_runs_every_middleware_for_a_call_with_a_cookie(key: str) -> None:
    client = Client()
    client.cookies["sessionid"] = "no-such-session"

    response = client.get("/api/v1/partner/", HTTP_AUTHORIZATION=f"Api-Key {key}")

    assert response.status_code == 200
    assert "Content-Security-Policy" in response


def test_it_runs_every_middleware_for_a_call_without_a_key() -> None:
    response = Client().get("/api/v1/facts/")

    assert response.status_code == 401
    assert "Content-Security-Policy" in response


def test_it_keeps_the_policy_on_the_api_documentation_pages(key: str) -> None:
    response = Client().get("/api/docs/", HTTP_AUTHORIZATION=f"Api-Key {key}")

    assert response.status_code == 200
    assert "Content-Security-Policy" in response


def test_it_answers_an_unknown_api_path_in_the_requested_language(key: str) -> None:
    response = Client().get(
        "/api/v1/no-such-thing/", HTTP_AUTHORIZATION=f"Api-Key {key}", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert response["Content-Language"] == "en"
    assert "Accept-Language" in response["Vary"]
