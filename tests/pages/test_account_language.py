"""A founder's e-mails are in the language they use the site in (design §14): the sign-up
e-mail in the language of the sign-up, and the account remembers the language of the pages
they read later (the admin and the API do not count)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.services import account_language
from tests.factories import UserFactory

from .support import post_step, robotics_startup

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]

PASSWORD = "lanting-robot-2026"


def test_a_founder_who_signs_up_on_the_english_pages_gets_english_mail(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    today = timezone.localdate()
    robotics_startup(
        client,
        registered_on=today.replace(year=today.year - 2).isoformat(),
        transferred_on=(today - timedelta(days=100)).isoformat(),
    )
    post_step(client, "review", go="results")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/en/accounts/signup/",
            {"email": "ada@example.com", "password1": PASSWORD, "password2": PASSWORD},
        )

    (welcome,) = mail.outbox
    assert welcome.subject == "Nanshan support matching: your enterprise qualifies for 10 measures"
    assert "Living subsidy for newly settled master's graduates: up to 50,000 yuan" in welcome.body
    assert "Claimable once the conditions are met: 144,500 yuan" in welcome.body
    assert "http://127.0.0.1:8000/en/results/" in welcome.body
    assert not any("\u4e00" <= c <= "\u9fff" for c in welcome.subject)
    assert account_language(user=welcome_user()) == "en"


def welcome_user() -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(email="ada@example.com")


def test_the_account_follows_the_language_of_the_pages_not_of_the_admin(client: Client) -> None:
    user = UserFactory(username="lan@example.com", email="lan@example.com", is_staff=True)
    client.force_login(user)
    assert account_language(user=user) == "zh-hans"

    client.get("/en/measures/")
    assert account_language(user=user) == "en"
    client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert account_language(user=user) == "en"
    client.get("/measures/")
    assert account_language(user=user) == "zh-hans"
