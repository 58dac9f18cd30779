"""Landing, measures, language switch, accounts and the stored results of a signed-in startup."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from enterprises.models import Enterprise
from policies.models import PolicyVersion
from policy_match.digest import digest_send
from policy_match.models import Match
from policy_match.notices import notices_collect
from tests.factories import UserFactory

from .support import post_step, robotics_startup

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]
PASSWORD = "lanting-robot-2026"


@pytest.mark.parametrize(
    ("path", "lang", "other"),
    [
        ("/", "zh-Hans", 'href="/en/"'),
        ("/en/", "en", 'href="/"'),
        ("/measures/?category=finance", "zh-Hans", 'href="/en/measures/?category=finance"'),
        ("/en/measures/loan-incubation/", "en", 'href="/measures/loan-incubation/"'),
        ("/profile/review/", "zh-Hans", 'href="/en/profile/review/"'),
        ("/en/accounts/login/", "en", 'href="/accounts/login/"'),
    ],
)
def test_it_serves_each_page_in_its_language_with_a_switch_to_the_same_page(
    client: Client, path: str, lang: str, other: str
) -> None:
    response = client.get(path)

    page = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in page
    assert other in page.split('class="site-nav__language"')[1][:400]


def test_it_shows_the_catalogues_headline_figures_on_the_landing_page(client: Client) -> None:
    published = PolicyVersion.objects.filter(status="published")

    response = client.get("/en/")

    # Each measure once (three have two dated versions).
    assert response.context["count"] == published.values("policy").distinct().count() == 34
    largest = response.context["largest"]
    assert largest[0].cap == max(v.cap or 0 for v in published)
    assert "10 million yuan" in response.content.decode()


def test_it_filters_the_measures_by_category_and_subject(client: Client) -> None:
    response = client.get("/measures/?category=finance&subject=loan")

    versions = response.context["versions"]
    assert versions
    assert {(v.policy.category, v.policy.subject) for v in versions} == {("finance", "loan")}


def test_it_renders_a_measures_criteria_as_sentences(client: Client) -> None:
    response = client.get("/en/measures/talent-living-subsidy-master/")

    page = response.content.decode()
    assert "All of the following:" in page
    assert "Highest degree is master&#x27;s" in page
    assert "Nanshan District Human Resources Bureau" in page


def test_it_hides_a_measure_that_is_not_published(client: Client) -> None:
    draft = PolicyVersion.objects.exclude(status="published").first()
    slug = draft.policy.slug if draft else "no-such-measure"

    assert client.get(f"/measures/{slug}/").status_code == 404
    assert client.get("/measures/no-such-measure/").status_code == 404


def test_it_signs_up_and_saves_the_profile_filled_in_before(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    today = timezone.localdate()
    robotics_startup(
        client,
        registered_on=today.replace(year=today.year - 2).isoformat(),
        transferred_on=(today - timedelta(days=100)).isoformat(),
    )
    post_step(client, "review", go="results")

    with django_capture_on_commit_callbacks(execute=True):  # the re-match after saving
        response = client.post(
            "/accounts/signup/",
            {"email": "Lan@Example.com", "password1": PASSWORD, "password2": PASSWORD},
        )

    assert response["Location"] == "/results/"
    enterprise = Enterprise.objects.get(owner__username="lan@example.com")
    assert enterprise.name == "南山灵巧机器人有限公司"
    assert (enterprise.people.count(), enterprise.loans.count()) == (1, 1)
    eligible = Match.objects.filter(enterprise=enterprise, status="eligible")
    assert eligible.count() == 10
    # The sign-up's one e-mail: the saved results, with the money and the way back.
    (welcome,) = mail.outbox
    assert welcome.to == ["lan@example.com"]
    assert welcome.subject == "南山惠企政策匹配：您的企业符合 10 项政策"
    assert "“南山灵巧机器人有限公司”符合 10 项政策" in welcome.body
    assert "新引进入户硕士毕业生生活补贴：最高 50,000 元" in welcome.body
    assert "符合条件即可获得：144,500 元" in welcome.body
    assert "http://127.0.0.1:8000/results/" in welcome.body


def test_it_refuses_an_address_that_already_has_an_account(client: Client) -> None:
    UserFactory(username="lan@example.com", email="lan@example.com")

    response = client.post(
        "/en/accounts/signup/",
        {"email": "LAN@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 200
    assert "already has an account" in response.content.decode()
    assert get_user_model().objects.count() == 1


def test_it_shows_a_signed_in_startup_its_stored_matches(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    user = UserFactory(username="lan@example.com", email="lan@example.com")
    client.force_login(user)
    today = timezone.localdate()
    robotics_startup(
        client,
        registered_on=today.replace(year=today.year - 2).isoformat(),
        transferred_on=(today - timedelta(days=100)).isoformat(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        post_step(client, "review", go="results")
    enterprise = Enterprise.objects.get(owner=user)
    # As rows stored before decision records were kept: no trace; a lower amount by SQL.
    Match.objects.filter(enterprise=enterprise).update(trace="")
    Match.objects.filter(enterprise=enterprise, policy__slug="ip-pledge-financing-subsidy").update(
        amount="1234.00"
    )

    response = client.get("/results/")

    assert response.context["stored"] is True
    cards = {card["slug"]: card for card in response.context["results"].eligible}
    assert cards["ip-pledge-financing-subsidy"]["amount"] == 1234
    assert (
        "产品/融资方式：知识产权质押贷"
        in cards["ip-pledge-financing-subsidy"]["reasons"][3]["text"]
    )
    assert response.context["results"].summary["total_amount"] == 650000 + 1234


def test_it_loads_the_saved_profile_into_the_form_at_sign_in(client: Client) -> None:
    user = UserFactory(username="lan@example.com", email="lan@example.com")
    client.force_login(user)
    post_step(client, "enterprise", {"industry": "ai"}, go="results")
    client.logout()

    client.post("/accounts/login/", {"username": "LAN@example.com", "password": "pw-long-enough-1"})
    page = client.get("/profile/enterprise/").content.decode()

    assert 'value="ai" selected' in page


def test_it_tells_a_startup_by_email_when_a_policy_change_makes_it_eligible(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    from policies.services import policy_publish, policy_version_draft

    user = UserFactory(username="lan@example.com", email="lan@example.com", is_superuser=True)
    client.force_login(user)
    post_step(client, "enterprise", {"registered_district": "futian"}, go="results")
    mail.outbox.clear()
    version = policy_version_draft(
        policy=PolicyVersion.objects.get(
            policy__slug="lifecycle-one-stop-service", status="published"
        ).policy,
        by=user,
    )
    version.rule = {"all": [{"fact": "registered_district", "op": "in", "value": ["futian"]}]}
    version.save()

    with django_capture_on_commit_callbacks(execute=True):
        policy_publish(version=version, by=user)

    # Told in the next morning's digest, not at once (one e-mail a day at most).
    assert mail.outbox == []
    later = timezone.now() + timedelta(minutes=10)  # once the change has settled
    notices_collect(now=later)
    assert digest_send(today=later.date(), now=later) == 1
    (digest,) = mail.outbox
    assert digest.to == ["lan@example.com"]
    assert "“一条龙”全生命周期企业服务" in digest.body
    assert "http://127.0.0.1:8000/measures/lifecycle-one-stop-service/" in digest.body
