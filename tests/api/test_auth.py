"""Keys, their admin and command, staff sessions, and per-key throttling, over HTTP."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from enterprises.models import Enterprise, Partner, PartnerAPIKey
from tests.api.conftest import ClientFor
from tests.factories import EnterpriseFactory, PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/facts/"


def test_it_tells_a_partner_whom_its_key_belongs_to(
    api_client: APIClient, partner: Partner, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(1):
        response = api_client.get("/api/v1/partner/")

    assert response.json() == {"id": partner.pk, "name": "招商银行南山支行"}


def test_it_has_no_partner_for_a_staff_session() -> None:
    client = Client()
    client.force_login(UserFactory(is_staff=True))

    response = client.get("/api/v1/partner/", HTTP_ACCEPT="application/json")

    assert response.status_code == 404


def test_it_answers_401_with_a_clear_message_without_a_key() -> None:
    response = APIClient().get(URL)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    assert response.json() == {
        "code": "not_authenticated",
        "detail": "缺少 API 密钥：请在请求头加入 Authorization: Api-Key <密钥>",
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/partner/"),
        ("get", "/api/v1/facts/"),
        ("get", "/api/v1/policies/"),
        ("get", "/api/v1/policies/talent-living-subsidy-master/"),
        ("post", "/api/v1/match/"),
        ("get", "/api/v1/enterprises/"),
        ("post", "/api/v1/enterprises/"),
        ("get", "/api/v1/enterprises/{id}/"),
        ("patch", "/api/v1/enterprises/{id}/"),
        ("delete", "/api/v1/enterprises/{id}/"),
        ("get", "/api/v1/enterprises/{id}/matches/"),
    ],
)
def test_it_refuses_every_operation_without_a_key(method: str, path: str) -> None:
    enterprise = EnterpriseFactory(partner=PartnerFactory())

    response = getattr(APIClient(), method)(
        path.format(id=enterprise.pk), {"name": "x"}, format="json"
    )

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert Enterprise.objects.get().name == enterprise.name != "x"


@pytest.mark.parametrize("header", ["Api-Key nope.nope", "Api-Key ", "Api-Key x"])
def test_it_answers_401_for_an_unknown_key(header: str) -> None:
    response = APIClient().get(URL, HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_it_answers_401_for_a_key_with_a_known_prefix_and_a_wrong_secret(partner: Partner) -> None:
    api_key, _key = PartnerAPIKey.objects.create_key(name="k", partner=partner)

    response = APIClient().get(URL, HTTP_AUTHORIZATION=f"Api-Key {api_key.prefix}.wrong")

    assert response.status_code == 401


def test_it_answers_401_for_a_revoked_key(partner: Partner) -> None:
    api_key, key = PartnerAPIKey.objects.create_key(name="k", partner=partner)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert client.get(URL).status_code == 200
    api_key.revoked = True
    api_key.save()

    response = client.get(URL)

    assert response.status_code == 401
    assert response.json()["detail"] == "API 密钥无效、已过期或已被停用"


def test_it_answers_401_for_an_expired_key(partner: Partner) -> None:
    _api_key, key = PartnerAPIKey.objects.create_key(
        name="k", partner=partner, expiry_date=timezone.now() - timedelta(minutes=1)
    )

    response = APIClient().get(URL, HTTP_AUTHORIZATION=f"Api-Key {key}")

    assert response.status_code == 401


def test_it_answers_401_when_the_partner_is_disabled(partner: Partner) -> None:
    _api_key, key = PartnerAPIKey.objects.create_key(name="k", partner=partner)
    Partner.objects.filter(pk=partner.pk).update(is_active=False)

    response = APIClient().get(URL, HTTP_AUTHORIZATION=f"Api-Key {key}")

    assert response.status_code == 401


def test_it_answers_in_the_requested_language_even_without_a_key() -> None:
    response = APIClient().get(URL, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")

    assert response.status_code == 401
    assert response["Content-Language"] == "en"
    assert response.json()["detail"] == (
        "Missing API key: send the header Authorization: Api-Key <key>"
    )


def test_it_falls_back_to_chinese_for_a_language_it_does_not_serve() -> None:
    response = APIClient().get(URL, HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")

    assert response["Content-Language"] == "zh-hans"
    assert response.json()["detail"].startswith("缺少 API 密钥")


def test_it_lets_a_staff_session_use_the_browsable_api() -> None:
    client = Client()
    client.force_login(UserFactory(is_staff=True))

    response = client.get(URL, HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert "text/html" in response["Content-Type"]


def test_it_refuses_a_signed_in_user_who_is_not_staff() -> None:
    client = Client()
    client.force_login(UserFactory())

    response = client.get(URL)

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_it_throttles_each_key_with_429_and_retry_after(
    client_for: ClientFor, partner: Partner, settings: Any
) -> None:
    settings.API_THROTTLE_RATE = "3/hour"  # an hour: the window will not turn mid-test
    client, other = client_for(partner), client_for(partner)
    for _ in range(3):
        assert client.get(URL).status_code == 200

    response = client.get(URL)

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 3600
    assert other.get(URL).status_code == 200  # the count is per key


def test_it_creates_a_key_from_the_command_and_prints_it_last(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command("create_api_key", "深圳湾孵化器", "--create-partner", "--name", "portal")

    last_line = capsys.readouterr().out.strip().splitlines()[-1]
    response = APIClient().get(URL, HTTP_AUTHORIZATION=f"Api-Key {last_line}")
    assert response.status_code == 200
    assert PartnerAPIKey.objects.get().partner.name == "深圳湾孵化器"


def test_it_finds_the_partner_by_id_in_the_command(
    partner: Partner, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("create_api_key", str(partner.pk))

    assert PartnerAPIKey.objects.get().partner == partner


def test_it_does_not_invent_a_partner_from_a_typo() -> None:
    PartnerFactory(name="招商银行")

    with pytest.raises(CommandError, match="--create-partner"):
        call_command("create_api_key", "招商银", "--name", "x")

    assert Partner.objects.count() == 1 and PartnerAPIKey.objects.count() == 0


def test_it_shows_a_new_key_once_in_the_admin_and_revokes_it(partner: Partner) -> None:
    staff = Client()
    staff.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = staff.post(
        "/admin/enterprises/partnerapikey/add/",
        {"name": "bank portal", "partner": partner.pk, "expiry_date_0": "", "expiry_date_1": ""},
        follow=True,
    )

    message = " ".join(str(m) for m in get_messages(response.wsgi_request))
    key = re.search(r"([A-Za-z0-9]{8}\.[A-Za-z0-9]{32})", message)
    assert key is not None
    assert APIClient().get(URL, HTTP_AUTHORIZATION=f"Api-Key {key[1]}").status_code == 200
    api_key = PartnerAPIKey.objects.get()
    change = staff.get(f"/admin/enterprises/partnerapikey/{api_key.pk}/change/")
    assert key[1] not in change.content.decode()
    staff.post(
        f"/admin/enterprises/partnerapikey/{api_key.pk}/change/",
        {"name": "bank portal", "partner": partner.pk, "revoked": "on"},
    )
    assert APIClient().get(URL, HTTP_AUTHORIZATION=f"Api-Key {key[1]}").status_code == 401
