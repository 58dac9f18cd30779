"""Fixtures of the admin tests: the real catalogue and demo enterprises, staff in their groups."""

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client

from policies.forms import PolicyVersionForm
from policies.models import Policy, PolicyVersion
from policies.services import EDITOR_GROUP, PUBLISHER_GROUP, policy_version_draft

StaffClient = Callable[..., Client]


@pytest.fixture
def catalogue(seeds_dir: Path) -> None:
    call_command("load_catalogue", str(seeds_dir))


@pytest.fixture
def demo(catalogue: None, seeds_dir: Path) -> None:
    call_command("seed_demo", str(seeds_dir / "demo_enterprises.yaml"))


@pytest.fixture
def staff() -> StaffClient:
    """A logged-in client of a staff member in `group` (zh-hans unless `language` says)."""
    call_command("create_staff_groups", stdout=io.StringIO())

    def make(group: str, language: str = "zh-hans") -> Client:
        user = User.objects.create_user(group, f"{group}@example.com", "pw-long-enough-1")
        user.is_staff = True
        user.save()
        user.groups.add(Group.objects.get(name=group))
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.force_login(user)
        return client

    return make


@pytest.fixture
def editor(staff: StaffClient) -> Client:
    return staff(EDITOR_GROUP)


@pytest.fixture
def publisher(staff: StaffClient) -> Client:
    return staff(PUBLISHER_GROUP)


def policy(slug: str) -> Policy:
    return Policy.objects.select_related("current_version").get(slug=slug)


def draft_of(slug: str) -> PolicyVersion:
    """The policy's open draft, made as the one-click button makes it."""
    return policy_version_draft(policy=policy(slug))


def form_data(version: PolicyVersion, **changes: Any) -> dict[str, Any]:
    """What the draft's admin form posts when saved unchanged, with `changes` typed in."""
    form = PolicyVersionForm(instance=version)
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    return {**data, **changes, "_continue": "1"}


def change_url(version: PolicyVersion) -> str:
    return f"/admin/policies/policyversion/{version.pk}/change/"
