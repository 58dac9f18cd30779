"""Fixtures of the partner-API tests: the real catalogue, partners with keys, HTTP clients."""

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.test import APIClient

from enterprises.models import Partner, PartnerAPIKey
from tests.factories import PartnerFactory

ClientFor = Callable[..., APIClient]


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> None:
    """Throttle counters live in the cache (Redis in CI): start every test from zero."""
    cache.clear()


@pytest.fixture
def catalogue(seeds_dir: Path) -> None:
    call_command("load_catalogue", str(seeds_dir))


@pytest.fixture
def client_for() -> ClientFor:
    """An APIClient sending a new key of `partner` (Accept-Language: `language` if given)."""

    def make(partner: Partner, language: str | None = None) -> APIClient:
        _api_key, key = PartnerAPIKey.objects.create_key(name="test", partner=partner)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
        if language:
            client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
        return client

    return make


@pytest.fixture
def partner() -> Partner:
    return PartnerFactory(name="招商银行南山支行")


@pytest.fixture
def api_client(client_for: ClientFor, partner: Partner) -> APIClient:
    return client_for(partner)
