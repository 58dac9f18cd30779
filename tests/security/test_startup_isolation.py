"""A signed-in startup sees its own saved profile and results, never another startup's.

No page takes an enterprise id today (the profile and the results are "mine", found from the
signed-in user): every page is requested anyway, with the other startup's ids in the URL
parameters and the query string, in both languages, and must never show its data.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from enterprises.models import Enterprise
from enterprises.services import enterprise_save_profile
from policies.catalogue import catalogue_load
from policy_match.pages.views.profile import STEPS
from policy_match.profile import Profile
from policy_match.services import match_enterprise
from tests.factories import UserFactory

from .conftest import state_of

pytestmark = pytest.mark.django_db
PASSWORD = "pw-long-enough-1"  # UserFactory's
ONE, TWO = "一号初创科技有限公司", "二号保密生物医药有限公司"
# Answers only startup two gave, as the form shows them.
TWO_ONLY = (TWO, 'value="biomedicine" selected', 'value="phd" selected')
MEASURE = "lifecycle-one-stop-service"


@dataclass(frozen=True)
class Startup:
    user: User
    enterprise: Enterprise


def _startup(email: str, name: str, industry: str, degree: str) -> Startup:
    user = UserFactory(username=email, email=email)
    profile = Profile.from_data(
        {
            "enterprise": {"registered_district": "nanshan", "industry": industry},
            "people": [{"ref": "p1", "degree": degree}],
        }
    )
    enterprise = enterprise_save_profile(
        profile=profile, name=name, enterprise=Enterprise(owner=user)
    )
    match_enterprise(enterprise=enterprise)
    return Startup(user, enterprise)


@pytest.fixture
def one(seeds_dir: Path) -> Startup:
    catalogue_load(directory=seeds_dir)
    return _startup("one@example.com", ONE, "ai", "master")


@pytest.fixture
def two(one: Startup) -> Startup:
    return _startup("two@example.com", TWO, "biomedicine", "phd")


def _shows_two(response: Any) -> list[str]:
    page = response.content.decode()
    return [text for text in TWO_ONLY if text in page]


def _routes() -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every named page route as (name, route, converters), the account pages included."""

    def walk(
        patterns: list[URLPattern | URLResolver], prefix: str
    ) -> Iterator[tuple[str, str, dict[str, Any]]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif pattern.name:
                converters = dict(getattr(pattern.pattern, "converters", {}))
                yield pattern.name, prefix + str(pattern.pattern), converters

    _prefix, pages = get_resolver().namespace_dict["pages"]
    yield from walk(pages.url_patterns, "")


def _urls(two: Startup) -> list[str]:
    """Every page URL, each parameter filled with startup two's ids where it takes one."""
    values: dict[str, list[Any]] = {
        "step": list(STEPS),
        "slug": [MEASURE],
        "uidb64": [urlsafe_base64_encode(force_bytes(two.user.pk))],
        "token": ["set-password", "bogus-token"],
    }
    urls = []
    for name, _route, converters in _routes():
        if name == "logout":
            continue  # signs the visitor out: tested on its own below
        kwargs_list: list[dict[str, Any]] = [{}]
        for param, converter in converters.items():
            if isinstance(converter, IntConverter):
                choices: list[Any] = [two.enterprise.pk, two.user.pk]
            else:
                choices = values[param]  # a new parameter name must be given values here
            kwargs_list = [{**kw, param: choice} for kw in kwargs_list for choice in choices]
        for language in ("zh-hans", "en"):
            with translation.override(language):
                urls += [reverse(f"pages:{name}", kwargs=kw) for kw in kwargs_list]
    return urls


def _sign_in(client: Client, startup: Startup) -> None:
    response = client.post(
        "/accounts/login/", {"username": startup.user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(startup.user.pk)  # signed in as this one


def test_it_covers_every_page(two: Startup) -> None:
    names = {name for name, _route, _converters in _routes()}
    urls = _urls(two)

    assert {"home", "profile-step", "results", "measure", "login", "signup"} <= names
    assert "/profile/people/" in urls and "/en/results/" in urls


def test_it_never_shows_another_startups_data_on_any_page(one: Startup, two: Startup) -> None:
    client = Client()
    _sign_in(client, one)
    query = {"enterprise": two.enterprise.pk, "id": two.enterprise.pk, "owner": two.user.pk}
    before = state_of(two.enterprise.pk)

    for url in _urls(two):
        response = client.get(url, query, follow=True)

        assert response.status_code in (200, 404, 405), url
        assert _shows_two(response) == [], url

    assert ONE in client.get("/results/").content.decode()
    assert ONE in client.get("/profile/enterprise/").content.decode()
    assert state_of(two.enterprise.pk) == before


def test_it_saves_the_form_to_the_signed_in_startup_only(one: Startup, two: Startup) -> None:
    client = Client()
    _sign_in(client, one)
    before = state_of(two.enterprise.pk)
    client.get("/profile/enterprise/")

    client.post("/profile/enterprise/", {"go": "results", "enterprise-enterprise_name": "一号改名"})

    assert Enterprise.objects.get(pk=one.enterprise.pk).name == "一号改名"
    assert state_of(two.enterprise.pk) == before
    assert Enterprise.objects.filter(owner=one.user).count() == 1


@pytest.mark.parametrize("switch", ["sign-out-and-in", "login-over-session"])
def test_it_shows_the_next_person_on_a_shared_browser_only_their_own_profile(
    one: Startup, two: Startup, switch: str
) -> None:
    client = Client()
    _sign_in(client, two)
    assert TWO in client.get("/profile/enterprise/").content.decode()  # the draft is loaded
    client.post("/profile/enterprise/", {"go": "next", "enterprise-enterprise_name": "二号草稿"})

    if switch == "sign-out-and-in":
        client.post("/accounts/logout/")
        _sign_in(client, one)
    else:
        # The sign-in page sends a signed-in visitor on; Django's login() (used by sign-in and
        # sign-up alike) must still drop the previous user's session, draft included.
        client.force_login(one.user)

    for url in ("/profile/enterprise/", "/profile/people/", "/profile/review/", "/results/"):
        response = client.get(url)
        assert "二号草稿" not in response.content.decode() and _shows_two(response) == [], url
    assert ONE in client.get("/profile/review/").content.decode()


def test_it_refuses_a_startups_session_on_the_partner_api_and_the_admin(
    one: Startup, two: Startup
) -> None:
    client = Client()
    _sign_in(client, one)

    api = client.get(f"/api/v1/enterprises/{two.enterprise.pk}/")
    listing = client.get("/api/v1/enterprises/")
    admin = client.get(f"/admin/enterprises/enterprise/{two.enterprise.pk}/change/")

    assert api.status_code == listing.status_code == 403
    assert admin.status_code == 302 and admin["Location"].startswith("/admin/login/")
    for response in (api, listing, admin):
        assert _shows_two(response) == []


def test_it_would_notice_the_other_startups_data(two: Startup) -> None:
    # The control for the tests above: signed in as two, its pages show what they look for.
    client = Client()
    _sign_in(client, two)

    shown = {text for url in _urls(two) for text in _shows_two(client.get(url, follow=True))}

    assert shown == set(TWO_ONLY)
