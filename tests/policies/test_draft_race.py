"""Many staff clicking "new draft" on one measure at once get one draft between them."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection
from django.test import Client

from policies.catalogue import catalogue_load
from policies.models import Policy, PolicyVersion, VersionStatus
from policies.services import EDITOR_GROUP, policy_version_draft

# PostgreSQL only (deselected on SQLite, whose shared in-memory test database answers a second
# writer at once with "database table is locked": threads cannot race there).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql]
SLUG = "loan-rd"
THREADS = 10
T = TypeVar("T")


def _all_at_once(work: Callable[[int], T]) -> list[T]:
    """`work(i)` in THREADS threads released together; each thread closes its connection."""
    barrier = threading.Barrier(THREADS)

    def run(i: int) -> T:
        try:
            barrier.wait(timeout=30)
            return work(i)
        finally:
            connection.close()

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(run, range(THREADS)))


@pytest.fixture
def measure(seeds_dir: Path) -> Policy:
    catalogue_load(directory=seeds_dir)
    return Policy.objects.get(slug=SLUG)


def test_it_gives_every_racing_call_the_same_single_draft(measure: Policy) -> None:
    ids = _all_at_once(lambda _i: policy_version_draft(policy=Policy.objects.get(pk=measure.pk)).pk)

    drafts = PolicyVersion.objects.filter(policy=measure, status=VersionStatus.DRAFT)
    assert list(drafts.values_list("pk", flat=True)) == [ids[0]]
    assert set(ids) == {ids[0]}


def test_it_sends_every_racing_click_to_the_same_single_draft(measure: Policy) -> None:
    call_command("create_staff_groups", verbosity=0)
    user = User.objects.create_user("editor", "editor@example.com", "pw-long-enough-1")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=EDITOR_GROUP))
    clients = []
    for _i in range(THREADS):
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(user)
        clients.append(client)

    responses = _all_at_once(
        lambda i: clients[i].post(f"/admin/policies/policy/{measure.pk}/draft/")
    )

    draft = PolicyVersion.objects.get(policy=measure, status=VersionStatus.DRAFT)
    target = f"/admin/policies/policyversion/{draft.pk}/change/"
    assert [(r.status_code, r["Location"]) for r in responses] == [(302, target)] * THREADS
