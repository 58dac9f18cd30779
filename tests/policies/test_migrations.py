"""Migration 0002 makes room for "one open draft per policy" before it adds the constraint."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = ("policies", "0001_initial")
AFTER = ("policies", "0002_one_open_draft_per_policy")


@pytest.fixture
def executor() -> Iterator[MigrationExecutor]:
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    yield executor
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _version(apps: Any, policy: Any, number: int, status: str) -> Any:
    return apps.get_model("policies", "PolicyVersion").objects.create(
        policy=policy,
        number=number,
        status=status,
        name=f"v{number}",
        name_zh_hans=f"v{number}",
        name_en=f"v{number}",
        rule={"fact": "registered_district", "op": "eq", "value": "nanshan"},
        benefit_kind="cash_subsidy",
        unit="per_enterprise",
        content_hash=f"hash-{number}",
        created_at=timezone.now(),
    )


def test_it_keeps_the_newest_open_draft_of_each_policy_and_records_the_others(
    executor: MigrationExecutor,
) -> None:
    old = executor.loader.project_state([BEFORE]).apps
    policy_model = old.get_model("policies", "Policy")
    twice = policy_model.objects.create(slug="twice", category="funding", subject="enterprise")
    once = policy_model.objects.create(slug="once", category="funding", subject="enterprise")
    published = _version(old, twice, 1, "published")
    older = _version(old, twice, 2, "draft")
    newest = _version(old, twice, 3, "draft")
    single = _version(old, once, 1, "draft")

    executor = MigrationExecutor(connection)
    executor.migrate([AFTER])

    new = executor.loader.project_state([AFTER]).apps
    versions = new.get_model("policies", "PolicyVersion").objects
    assert sorted(versions.values_list("pk", flat=True)) == sorted(
        [published.pk, newest.pk, single.pk]
    )
    history = new.get_model("policies", "HistoricalPolicyVersion").objects.get(id=older.pk)
    assert (history.history_type, history.status, history.number) == ("-", "draft", 2)
    assert history.policy_id == twice.pk and history.name_en == "v2"
    assert history.history_change_reason == "0002: duplicate open draft removed"
