"""#16.5: webhook endpoints over HTTP (registered with a secret shown once, scoped to their
partner, refused where they would reach the server's own network) and deliveries to a real
loopback receiver that verifies each signature: two failures, then accepted, one event id."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone
from rest_framework.test import APIClient

from policies.models import Policy
from policies.services import policy_publish, policy_version_draft
from policy_match.models import WebhookDelivery, WebhookEndpoint
from policy_match.webhooks.delivery import backoff, delivery_attempt
from tests.api.conftest import ClientFor
from tests.factories import PartnerFactory, UserFactory
from tests.webhook_receiver import Receiver, receiver

pytestmark = pytest.mark.django_db
URL = "/api/v1/webhooks/"
FUTIAN = {"name": "福田的企业", "enterprise": {"registered_district": "futian"}}
# Eligible at once for several measures: its first results are match.gained events.
ROBOTICS = {
    "name": "南山机器人",
    "enterprise": {
        "registered_district": "nanshan",
        "industry": "robotics",
        "has_bad_credit": False,
    },
}
PUBLIC = "https://93.184.215.14/hooks"  # a public address literal: no DNS needed


@pytest.fixture
def loopback(settings: Any) -> None:
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOW_PRIVATE = True


def _register(client: APIClient, url: str, **body: Any) -> dict[str, Any]:
    response = client.post(URL, {"url": url, **body}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def _publish_futian_only() -> None:
    publisher = UserFactory(is_staff=True, is_superuser=True)
    policy = Policy.objects.get(slug="lifecycle-one-stop-service")
    version = policy_version_draft(policy=policy, by=publisher)
    version.rule = {"all": [{"fact": "registered_district", "op": "in", "value": ["futian"]}]}
    version.save()
    with TestCase.captureOnCommitCallbacks(execute=True):
        policy_publish(version=version, by=publisher)


def test_the_secret_is_shown_once_and_endpoints_stay_their_partners(
    api_client: APIClient, client_for: ClientFor
) -> None:
    created = _register(api_client, PUBLIC, event_types=["match.lost", "match.gained"])
    assert created["secret"].startswith("whsec_") and len(created["secret"]) > 40
    assert created["event_types"] == ["match.gained", "match.lost"]  # canonical order

    detail = api_client.get(f"{URL}{created['id']}/").json()
    assert "secret" not in detail and detail["url"] == PUBLIC
    assert "secret" not in api_client.get(URL).json()["results"][0]
    other = client_for(PartnerFactory(name="另一家"))
    assert other.get(f"{URL}{created['id']}/").status_code == 404
    assert other.get(f"{URL}{created['id']}/deliveries/").status_code == 404
    assert other.get(URL).json()["results"] == []
    assert other.delete(f"{URL}{created['id']}/").status_code == 404
    assert WebhookEndpoint.objects.count() == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://93.184.215.14/hooks",  # not https
        "https://127.0.0.1/hooks",
        "https://localhost:8443/hooks",
        "https://10.1.2.3/hooks",
        "https://192.168.0.10/hooks",
        "https://169.254.169.254/latest/meta-data/",  # the cloud metadata address
        "https://[::1]/hooks",
        "https://[::ffff:127.0.0.1]/hooks",
        "https://0.0.0.0/hooks",
        "https://user:secret@93.184.215.14/hooks",
        "ftp://93.184.215.14/hooks",
        "https:///hooks",
        "https://93.184.215.14/hooks\n",
    ],
)
def test_it_refuses_urls_that_reach_the_servers_own_network(
    api_client: APIClient, url: str
) -> None:
    response = api_client.post(URL, {"url": url}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"url"}
    assert not WebhookEndpoint.objects.exists()


def test_it_refuses_unknown_event_types_and_fields_naming_them(api_client: APIClient) -> None:
    response = api_client.post(
        URL, {"url": PUBLIC, "event_types": ["match.won"], "secret": "x"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"event_types", "secret"}


def test_a_staff_session_lists_every_endpoint_but_registers_in_the_admin(
    api_client: APIClient, client: Any
) -> None:
    _register(api_client, PUBLIC)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert len(client.get(URL).json()["results"]) == 1
    assert client.post(URL, {"url": PUBLIC}, content_type="application/json").status_code == 403
    client.force_login(UserFactory(username="no-perms", is_staff=True))
    assert client.get(URL).status_code == 403


def _attempt_until_done(hook: Receiver, delivery: WebhookDelivery) -> list[int]:
    """Try again at each retry's time (the worker's delayed task does this in production)."""
    now = timezone.now()
    for _ in range(5):
        delivery.refresh_from_db()
        if delivery.status != "pending":
            break
        now = max(now, delivery.next_attempt_at or now) + timedelta(seconds=1)
        delivery_attempt(delivery_id=delivery.pk, now=now)
    return [r.status for r in hook.received]


def test_a_publish_that_makes_an_enterprise_eligible_is_delivered_signed_after_two_failures(
    catalogue: None, api_client: APIClient, loopback: None
) -> None:
    with receiver(fail_first=2) as hook:
        hook.secret = _register(api_client, hook.url, event_types=["match.gained"])["secret"]
        assert api_client.post("/api/v1/enterprises/", FUTIAN, format="json").status_code == 201

        _publish_futian_only()  # the first attempt runs at once (eager), and fails

        delivery = WebhookDelivery.objects.get(event__type="match.gained")
        assert _attempt_until_done(hook, delivery) == [500, 500, 204]

    assert all(r.verified for r in hook.received)
    assert len({r.headers["webhook-id"] for r in hook.received}) == 1  # one stable event id
    assert len({r.body for r in hook.received}) == 1
    event = hook.received[-1].payload
    assert event["type"] == "match.gained"
    assert event["data"]["policy"] == "lifecycle-one-stop-service"
    assert event["data"]["to_status"] == "eligible"
    assert event["data"]["from_status"] in ("ineligible", "undetermined")
    assert event["data"]["enterprise"]["id"] == delivery.event.payload["data"]["enterprise"]["id"]
    assert event["data"]["cause"] == "publish"

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 3, 204)
    listed = api_client.get(f"{URL}{delivery.endpoint_id}/deliveries/").json()["results"]
    mine = next(d for d in listed if d["id"] == delivery.pk)
    assert [t["status_code"] for t in mine["tries"]] == [500, 500, 204]
    assert mine["event_id"] == hook.received[0].headers["webhook-id"]


def test_backoff_doubles_from_five_seconds_to_an_hour() -> None:
    waits = [backoff(n).total_seconds() for n in range(1, 14)]
    assert waits[:4] == [5, 10, 20, 40] and waits[-1] == 3600
    assert all(b >= a for a, b in itertools.pairwise(waits))


def test_an_endpoint_failing_for_24_hours_is_disabled_and_its_partner_told(
    catalogue: None, client_for: ClientFor, loopback: None
) -> None:
    partner = PartnerFactory(name="有联系人的合作方", contact_email="ops@partner.example")
    client = client_for(partner)
    with receiver(fail_first=1000) as hook:
        hook.secret = _register(client, hook.url)["secret"]
        with TestCase.captureOnCommitCallbacks(execute=True):
            assert client.post("/api/v1/enterprises/", ROBOTICS, format="json").status_code == 201
        endpoint = WebhookEndpoint.objects.get()
        pending = WebhookDelivery.objects.filter(endpoint=endpoint)
        assert pending.exists() and all(d.attempts == 1 for d in pending)
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            failing_since=timezone.now() - timedelta(hours=24, minutes=1)
        )
        mail.outbox.clear()
        first = pending.first()
        assert first is not None
        with TestCase.captureOnCommitCallbacks(execute=True):  # the e-mail goes after commit
            delivery_attempt(delivery_id=first.pk, now=timezone.now() + timedelta(hours=1))

    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.disabled_at is not None
    assert not WebhookDelivery.objects.filter(endpoint=endpoint, status="pending").exists()
    assert [m.to for m in mail.outbox] == [["ops@partner.example"]]
    assert "disabled" in mail.outbox[0].body and "停用" in mail.outbox[0].body
    response = client.patch(f"{URL}{endpoint.pk}/", {"is_active": True}, format="json")
    assert response.status_code == 200 and response.json()["failing_since"] is None


def test_a_delivery_is_checked_again_at_sending_time(
    catalogue: None, api_client: APIClient, loopback: None, settings: Any
) -> None:
    """An address allowed when registered but not when sending (DNS now points inside, or
    the setting changed) is not contacted."""
    with receiver() as hook:
        hook.secret = _register(api_client, hook.url)["secret"]
        settings.WEBHOOK_ALLOW_PRIVATE = False
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = api_client.post("/api/v1/enterprises/", ROBOTICS, format="json")
        assert response.status_code == 201
    assert hook.received == []
    delivery = WebhookDelivery.objects.first()
    assert delivery is not None and delivery.status == "pending"
    assert "内网" in delivery.last_error or "private" in delivery.last_error
