"""Only staff reach the admin's enterprises, and only publishers publish or retire.

tests/admin/test_publishing.py already shows an editor refused (403) and a publisher allowed,
both over HTTP. Added here: a staff member in no group, a signed-in user who is not staff, a
member of the publisher group who is not staff, anonymous visitors, and the services refusing
by themselves whatever view calls them.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client

from enterprises.models import Enterprise
from policies.models import Policy, PolicyStatus, PolicyVersion, VersionStatus
from policies.services import (
    EDITOR_GROUP,
    PUBLISHER_GROUP,
    policy_publish,
    policy_retire,
    policy_version_draft,
)
from policy_match.models import RematchRun
from tests.factories import EnterpriseFactory, PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db
SLUG = "open-source-ecosystem-support"
SECRET_NAME = "只有工作人员可见的企业"


@pytest.fixture
def catalogue(seeds_dir: Path) -> None:
    call_command("load_catalogue", str(seeds_dir))
    call_command("create_staff_groups", stdout=io.StringIO())


@pytest.fixture
def enterprise() -> Enterprise:
    return EnterpriseFactory(name=SECRET_NAME, partner=PartnerFactory())


@pytest.fixture
def draft(catalogue: None) -> PolicyVersion:
    return policy_version_draft(policy=Policy.objects.get(slug=SLUG))


def _user(*, staff: bool, group: str | None = None) -> User:
    user = UserFactory(is_staff=staff)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _enterprise_urls(enterprise: Enterprise) -> list[tuple[str, str]]:
    base = "/admin/enterprises/"
    return [
        ("get", f"{base}enterprise/"),
        ("get", f"{base}enterprise/?q={enterprise.name}"),
        ("get", f"{base}enterprise/{enterprise.pk}/change/"),
        ("get", f"{base}enterprise/{enterprise.pk}/history/"),
        ("post", f"{base}enterprise/{enterprise.pk}/rematch/"),
        ("get", f"{base}enterprise/add/"),
        ("get", f"{base}partner/"),
        ("get", f"{base}partnerapikey/"),
        ("get", "/admin/policy_match/match/"),
    ]


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "not-staff"])
def test_it_sends_anyone_but_staff_to_the_admin_login(
    enterprise: Enterprise, signed_in: bool
) -> None:
    client = _client(_user(staff=False) if signed_in else None)

    for method, url in _enterprise_urls(enterprise):
        response = getattr(client, method)(url)

        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/?next="), url
        assert SECRET_NAME not in response.content.decode()


def test_it_refuses_a_staff_member_without_permissions(enterprise: Enterprise) -> None:
    client = _client(_user(staff=True))

    for method, url in _enterprise_urls(enterprise):
        response = getattr(client, method)(url)

        assert response.status_code == 403, url
        assert SECRET_NAME not in response.content.decode(), url


def test_it_shows_the_enterprises_to_an_editor(catalogue: None, enterprise: Enterprise) -> None:
    client = _client(_user(staff=True, group=EDITOR_GROUP))

    response = client.get("/admin/enterprises/enterprise/")

    assert response.status_code == 200
    assert SECRET_NAME in response.content.decode()


def _publish_url(version: PolicyVersion) -> str:
    return f"/admin/policies/policyversion/{version.pk}/publish/"


def _unchanged(version: PolicyVersion) -> bool:
    version.refresh_from_db()
    measure = Policy.objects.get(slug=SLUG)
    return (
        version.status == VersionStatus.DRAFT
        and measure.status == PolicyStatus.PUBLISHED
        and not RematchRun.objects.exists()
    )


def test_it_refuses_to_publish_for_staff_in_no_group(draft: PolicyVersion) -> None:
    client = _client(_user(staff=True))

    response = client.post(_publish_url(draft))

    assert response.status_code == 403
    assert _unchanged(draft)


@pytest.mark.parametrize("group", [None, PUBLISHER_GROUP], ids=["no-group", "publisher-group"])
def test_it_sends_a_user_who_is_not_staff_to_the_login_even_in_the_publisher_group(
    draft: PolicyVersion, group: str | None
) -> None:
    client = _client(_user(staff=False, group=group))
    measure = Policy.objects.get(slug=SLUG)

    published = client.post(_publish_url(draft))
    retired = client.post(f"/admin/policies/policy/{measure.pk}/retire/")

    for response in (published, retired):
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    assert _unchanged(draft)


def test_it_refuses_to_publish_anonymously(draft: PolicyVersion) -> None:
    response = Client().post(_publish_url(draft))

    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert _unchanged(draft)


@pytest.mark.parametrize("group", [None, EDITOR_GROUP])
def test_it_refuses_publishing_and_retiring_in_the_services_themselves(
    draft: PolicyVersion, group: str | None
) -> None:
    # Whatever calls them (a view, an admin action, a shell), the services check the group.
    user = _user(staff=True, group=group)

    with pytest.raises(PermissionDenied):
        policy_publish(version=draft, by=user)
    with pytest.raises(PermissionDenied):
        policy_retire(policy=Policy.objects.get(slug=SLUG), by=user)

    assert _unchanged(draft)


def test_it_lets_the_publisher_group_publish_in_the_service(draft: PolicyVersion) -> None:
    published = policy_publish(version=draft, by=_user(staff=True, group=PUBLISHER_GROUP))

    assert published.status == VersionStatus.PUBLISHED
