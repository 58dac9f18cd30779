"""#12.1: a staff session in the API has exactly the admin's model permissions.

A staff member in no group gets 403 from the admin for enterprises: the API must refuse them
too; an editor (view, add, change, no delete) may read and change but not delete; writes by
staff are recorded in the enterprise's history with the user who made them.
"""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client

from enterprises.models import Enterprise
from policies.services import EDITOR_GROUP, PUBLISHER_GROUP
from tests.factories import EnterpriseFactory, PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _groups() -> None:
    call_command("create_staff_groups", stdout=io.StringIO())


@pytest.fixture
def others() -> Enterprise:
    """An enterprise of partner B."""
    return EnterpriseFactory(name="合作方乙的企业", partner=PartnerFactory())


def _staff(group: str | None) -> tuple[User, Client]:
    user = UserFactory(is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return user, client


def test_it_refuses_a_staff_member_in_no_group_everything_the_admin_refuses(
    others: Enterprise,
) -> None:
    _user, client = _staff(None)
    url = f"/api/v1/enterprises/{others.pk}/"

    answers = {
        "list": client.get("/api/v1/enterprises/").status_code,
        "admin list": client.get("/admin/enterprises/enterprise/").status_code,
        "get": client.get(url).status_code,
        "matches": client.get(f"{url}matches/").status_code,
        "patch": client.patch(url, {"enterprise": {"employee_count": 1}}, "application/json"),
        "delete": client.delete(url).status_code,
        "create": client.post("/api/v1/enterprises/", {"name": "x"}, "application/json"),
    }

    answers["patch"] = answers["patch"].status_code  # type: ignore[attr-defined]
    answers["create"] = answers["create"].status_code  # type: ignore[attr-defined]
    assert answers == dict.fromkeys(answers, 403)
    others.refresh_from_db()
    assert others.employee_count is None and Enterprise.objects.count() == 1


def test_it_lets_an_editor_read_and_change_but_not_delete(others: Enterprise) -> None:
    _user, client = _staff(EDITOR_GROUP)
    url = f"/api/v1/enterprises/{others.pk}/"

    listing = client.get("/api/v1/enterprises/")
    patched = client.patch(url, {"enterprise": {"employee_count": 7}}, "application/json")
    deleted = client.delete(url)
    admin_delete = client.get(f"/admin/enterprises/enterprise/{others.pk}/delete/")

    assert listing.status_code == 200 and listing.json()["count"] == 1
    assert patched.status_code == 200 and patched.json()["enterprise"]["employee_count"] == 7
    assert deleted.status_code == admin_delete.status_code == 403
    assert "没有此操作的权限" in deleted.json()["detail"]
    assert Enterprise.objects.filter(pk=others.pk).exists()


def test_it_records_a_staff_members_change_in_the_history_with_the_user(
    others: Enterprise,
) -> None:
    user, client = _staff(PUBLISHER_GROUP)

    response = client.patch(
        f"/api/v1/enterprises/{others.pk}/",
        {"enterprise": {"employee_count": 9}},
        "application/json",
    )

    assert response.status_code == 200
    latest = others.history.order_by("-history_id").first()
    assert latest is not None
    assert latest.employee_count == 9 and latest.history_user == user


def test_it_lets_a_superuser_delete_as_in_the_admin(others: Enterprise) -> None:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.delete(f"/api/v1/enterprises/{others.pk}/")

    assert response.status_code == 204
    assert not Enterprise.objects.filter(pk=others.pk).exists()
