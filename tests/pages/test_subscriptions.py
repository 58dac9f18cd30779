"""“E-mail me when it opens” (design §14): a form on the measure's page, double opt-in through
a page with a button, the same answer whatever happened, rate-limited confirmations, the
opening e-mail with a one-click unsubscribe that works without our CSRF token."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from policies.models import ApplyWindow, PolicyVersion, VersionStatus
from policy_match.models import Subscription
from policy_match.subscriptions import subscriptions_notify

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]

OPENS = date(2026, 12, 1)


def _dated_measure() -> PolicyVersion:
    """A published measure whose window opens on OPENS (its dates set as a round would be)."""
    version = (
        PolicyVersion.objects.filter(status=VersionStatus.PUBLISHED, valid_to__isnull=True)
        .exclude(apply_window=ApplyWindow.ROLLING)
        .select_related("policy")
        .order_by("policy__slug")
        .first()
    )
    assert version is not None
    version.apply_window = ApplyWindow.DATED
    version.apply_opens, version.apply_closes = OPENS, OPENS + timedelta(days=30)
    version.save(update_fields=["apply_window", "apply_opens", "apply_closes"])
    return version


def _link(body: str, kind: str) -> str:
    found = re.search(rf"http://testserver(/\S*/subscriptions/[\w-]+/{kind}/)", body)
    assert found, body
    return found.group(1)


@pytest.fixture(autouse=True)
def _site(settings: object) -> None:
    settings.SITE_URL = "http://testserver"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("prefix", "message"),
    [("", "请填写有效的邮箱地址"), ("/en", "Enter a valid e-mail address")],
)
def test_a_bad_address_is_named_in_the_page_language(
    client: Client, prefix: str, message: str
) -> None:
    slug = _dated_measure().policy.slug
    page = client.get(f"{prefix}/measures/{slug}/")
    assert 'name="email"' in page.content.decode()
    answer = client.post(f"{prefix}/measures/{slug}/subscribe/", {"email": "not an address"})
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not Subscription.objects.exists() and not mail.outbox


def test_subscribe_confirm_be_told_and_leave_in_one_click() -> None:
    version = _dated_measure()
    slug = version.policy.slug
    browser = Client()
    answer = browser.post(f"/en/measures/{slug}/subscribe/", {"email": " Founder@Example.COM "})
    assert answer.status_code == 302 and answer["Location"].endswith("/subscribe/sent/")
    assert "confirmation e-mail" in browser.get(answer["Location"]).content.decode()
    (confirmation,) = mail.outbox
    assert confirmation.to == ["Founder@example.com"]
    confirm = _link(confirmation.body, "confirm")
    assert confirm.startswith("/en/")

    # A scanner fetching the link confirms nothing; the button does.
    assert "<form" in browser.get(confirm).content.decode()
    assert Subscription.objects.get().confirmed_at is None
    assert browser.post(confirm).status_code == 200
    assert Subscription.objects.get().confirmed_at is not None

    assert subscriptions_notify(as_of=OPENS) == 1
    assert subscriptions_notify(as_of=OPENS + timedelta(days=1)) == 0  # told once
    opening = mail.outbox[-1]
    end = _link(opening.body, "end")
    assert opening.extra_headers["List-Unsubscribe"] == f"<http://testserver{end}>"
    assert version.name_en in opening.subject

    # RFC 8058: the mail client POSTs without our CSRF token.
    mail_client = Client(enforce_csrf_checks=True)
    ended = mail_client.post(end, {"List-Unsubscribe": "One-Click"})
    assert ended.status_code == 200
    assert Subscription.objects.get().unsubscribed_at is not None
    assert "<form" in browser.get(confirm).content.decode()
    assert browser.post(confirm).status_code == 404  # an ended subscription is not revived


def test_the_same_answer_whatever_happened_and_confirmations_are_rate_limited() -> None:
    slug = _dated_measure().policy.slug
    browser = Client()
    for _ in range(3):
        answer = browser.post(f"/measures/{slug}/subscribe/", {"email": "a@example.com"})
        assert answer.status_code == 302
    assert len(mail.outbox) == 1  # one confirmation every ten minutes
    Subscription.objects.update(confirm_sent_at=timezone.now() - timedelta(minutes=11))
    browser.post(f"/measures/{slug}/subscribe/", {"email": "a@example.com"})
    assert len(mail.outbox) == 2


def test_no_opening_mail_to_an_address_that_did_not_confirm() -> None:
    slug = _dated_measure().policy.slug
    Client().post(f"/measures/{slug}/subscribe/", {"email": "b@example.com"})
    assert subscriptions_notify(as_of=OPENS) == 0


@pytest.mark.parametrize("token", ["x" * 10, "unknown-token-of-good-length-0123456789"])
def test_unknown_or_malformed_tokens_change_nothing(client: Client, token: str) -> None:
    assert client.post(f"/subscriptions/{token}/end/").status_code == 404
    assert client.post(f"/subscriptions/{token}/confirm/").status_code == 404
