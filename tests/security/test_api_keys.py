"""Partner keys: only a hash is stored, and a revoked, expired or disabled key opens nothing.

tests/api/test_auth.py has the single-endpoint cases (unknown key, wrong secret, revoked,
expired, disabled partner, the admin showing a key once and revoking it); these go through
every route and method, and compare the refusals with each other.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from enterprises.models import Partner, PartnerAPIKey
from tests.factories import PartnerFactory, UserFactory

from .conftest import Stored, state_of
from .routes import METHODS, Route, api_routes

pytestmark = pytest.mark.django_db
ROUTES = api_routes()
PER_REQUEST = {"X-Request-ID", "Date"}


def _by_manager(partner: Partner, capsys: pytest.CaptureFixture[str]) -> str:
    return PartnerAPIKey.objects.create_key(name="k", partner=partner)[1]


def _by_command(partner: Partner, capsys: pytest.CaptureFixture[str]) -> str:
    call_command("create_api_key", str(partner.pk), "--name", "k")
    return capsys.readouterr().out.strip().splitlines()[-1]


def _by_admin(partner: Partner, capsys: pytest.CaptureFixture[str]) -> str:
    staff = Client()
    staff.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = staff.post(
        "/admin/enterprises/partnerapikey/add/",
        {"name": "k", "partner": partner.pk, "expiry_date_0": "", "expiry_date_1": ""},
        follow=True,
    )
    message = " ".join(str(m) for m in get_messages(response.wsgi_request))
    found = re.search(r"([A-Za-z0-9]{8}\.[A-Za-z0-9]{32})", message)
    assert found is not None
    return found[1]


@pytest.mark.parametrize("make", [_by_manager, _by_command, _by_admin], ids=lambda f: f.__name__)
def test_it_stores_only_a_hash_of_the_key(
    make: Callable[[Partner, pytest.CaptureFixture[str]], str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    partner = PartnerFactory()

    key = make(partner, capsys)

    prefix, secret = key.split(".")
    row = PartnerAPIKey.objects.values().get()
    assert not [name for name, value in row.items() if secret in str(value)]
    assert row["prefix"] == prefix  # the prefix finds the row; it is no secret on its own
    assert row["hashed_key"] and row["hashed_key"] != secret
    assert PartnerAPIKey.objects.get_from_key(key).partner == partner  # the hash verifies


def test_it_never_writes_the_key_to_the_log(caplog: pytest.LogCaptureFixture) -> None:
    _api_key, key = PartnerAPIKey.objects.create_key(name="k", partner=PartnerFactory())

    with caplog.at_level("DEBUG"):
        APIClient().get("/api/v1/facts/", HTTP_AUTHORIZATION=f"Api-Key {key}")
        APIClient().get("/api/v1/facts/", HTTP_AUTHORIZATION=f"Api-Key {key}x")

    assert key.split(".")[1] not in caplog.text


def _revoked(partner: Partner) -> str:
    api_key, key = PartnerAPIKey.objects.create_key(name="k", partner=partner)
    PartnerAPIKey.objects.filter(pk=api_key.pk).update(revoked=True)
    return key


def _expired(partner: Partner) -> str:
    expiry = timezone.now() - timedelta(seconds=1)
    return PartnerAPIKey.objects.create_key(name="k", partner=partner, expiry_date=expiry)[1]


def _partner_disabled(partner: Partner) -> str:
    key = PartnerAPIKey.objects.create_key(name="k", partner=partner)[1]
    Partner.objects.filter(pk=partner.pk).update(is_active=False)
    return key


def _unknown(partner: Partner) -> str:
    return "Abcdefgh.abcdefghijklmnopqrstuvwxyz012345"


BAD_KEYS = [_revoked, _expired, _partner_disabled]


def _send(key: str, route: Route, method: str, enterprise_id: int) -> HttpResponse:
    url = route.url(
        **dict.fromkeys(route.int_params, enterprise_id), slug="lifecycle-one-stop-service"
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    body: Any = {"name": "x", "enterprise": {}} if method in ("post", "put", "patch") else None
    return getattr(client, method)(url, body, format="json")


def _comparable(response: HttpResponse) -> tuple[int, bytes, dict[str, str]]:
    headers = {k: v for k, v in response.headers.items() if k not in PER_REQUEST}
    return response.status_code, response.content, headers


@pytest.mark.parametrize("bad", BAD_KEYS, ids=lambda f: f.__name__.strip("_"))
def test_it_refuses_a_bad_key_on_every_route_as_it_refuses_an_unknown_one(
    b_enterprise: Stored, partner_b: Partner, bad: Callable[[Partner], str]
) -> None:
    # B's own enterprise, with a key B once had: nothing is read or changed, and the answer
    # does not tell a revoked or expired key from one that never existed.
    key = bad(partner_b)
    before = state_of(b_enterprise.id)

    for route in ROUTES:
        for method in METHODS:
            if method == "options":
                continue  # OPTIONS describes the endpoint, whoever asks
            refused = _send(key, route, method, b_enterprise.id)
            unknown = _send(_unknown(partner_b), route, method, b_enterprise.id)

            assert refused.status_code == 401, (route.name, method)
            assert _comparable(refused) == _comparable(unknown), (route.name, method)
            if method != "head":  # a HEAD answer has no body
                assert refused.json()["code"] == "authentication_failed"

    assert state_of(b_enterprise.id) == before


def test_it_revokes_one_key_and_keeps_the_partners_other_keys(
    b_enterprise: Stored, partner_b: Partner
) -> None:
    kept = PartnerAPIKey.objects.create_key(name="kept", partner=partner_b)[1]
    revoked = _revoked(partner_b)
    url = f"/api/v1/enterprises/{b_enterprise.id}/"

    assert APIClient().get(url, HTTP_AUTHORIZATION=f"Api-Key {revoked}").status_code == 401
    assert APIClient().get(url, HTTP_AUTHORIZATION=f"Api-Key {kept}").status_code == 200


def test_it_takes_a_key_expiring_now_as_expired(b_enterprise: Stored, partner_b: Partner) -> None:
    expiry = timezone.now() + timedelta(seconds=30)
    key = PartnerAPIKey.objects.create_key(name="k", partner=partner_b, expiry_date=expiry)[1]
    url = f"/api/v1/enterprises/{b_enterprise.id}/"
    assert APIClient().get(url, HTTP_AUTHORIZATION=f"Api-Key {key}").status_code == 200

    PartnerAPIKey.objects.filter(prefix=key.split(".")[0]).update(expiry_date=timezone.now())

    assert APIClient().get(url, HTTP_AUTHORIZATION=f"Api-Key {key}").status_code == 401
