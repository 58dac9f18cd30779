"""Publishing re-matches every enterprise through real workers, surviving crashes and outages."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection, connections
from django.db.models import Count

from enterprises.models import Enterprise, Loan, Person
from enterprises.selectors import enterprise_profile
from policies.models import Policy, PolicyVersion, VersionStatus
from policies.services import policy_publish, policy_version_draft
from policy_match.models import Match, RematchChunk, RematchRun, RematchStatus
from policy_match.rematch import rematch_progress, rematch_sweep
from policy_match.services import match_profile
from tests.e2e.conftest import REPO, database_url, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
DISTRICTS = ["nanshan"] * 6 + ["futian", "baoan", None]
INDUSTRIES = ["ai", "robotics", "gaming", "semiconductor", "other", None]


def _enterprises(n: int, seed: int = 7) -> None:
    """n enterprises with a realistic mix of known and unknown facts, people and loans."""
    rng = random.Random(seed)
    rows = [
        Enterprise(
            name=f"合成企业{i}",
            registered_district=rng.choice(DISTRICTS),
            registered_on=rng.choice(
                [None, date(2019, 5, 1), date(2023, 11, 24), date(2025, 2, 1)]
            ),
            industry=rng.choice(INDUSTRIES),
            has_bad_credit=rng.choice([False, False, False, True, None]),
            tax_registered_in_nanshan=rng.choice([True, True, None]),
            annual_revenue=rng.choice([None, Decimal("800000"), Decimal("25000000")]),
            rd_expense=rng.choice([None, Decimal("90000"), Decimal("3000000")]),
        )
        for i in range(n)
    ]
    Enterprise.objects.bulk_create(rows, batch_size=2000)
    ids = list(Enterprise.objects.values_list("id", flat=True))
    Person.objects.bulk_create(
        [
            Person(enterprise_id=pk, ref="p1", degree=rng.choice(["bachelor", "master", None]),
                   hukou_city="shenzhen", hukou_district=rng.choice(["nanshan", None]),
                   hukou_transferred_on=rng.choice([date(2026, 6, 1), None]),
                   born_on=rng.choice([date(1998, 5, 1), date(1976, 5, 1)]))
            for pk in ids if rng.random() < 0.5
        ],
        batch_size=2000,
    )  # fmt: skip
    Loan.objects.bulk_create(
        [
            Loan(enterprise_id=pk, ref="l1", product=rng.choice(["ip_pledge_loan", "rd_loan"]),
                 amount=Decimal("1000000"), rate=Decimal("0.04"), guarantee_fee=Decimal("0"),
                 other_fees=rng.choice([Decimal("0"), None]))
            for pk in ids if rng.random() < 0.3
        ],
        batch_size=2000,
    )  # fmt: skip


@pytest.fixture
def catalogue() -> None:
    call_command("load_catalogue", str(SEEDS))


@pytest.fixture
def publisher() -> User:
    from django.contrib.auth.models import Group

    user = User.objects.create_user("publisher", "p@example.com", "a-long-password-1")
    user.groups.add(Group.objects.get_or_create(name="publisher")[0])
    return user


def _publish(slug: str, by: User, cap: str | None = None) -> RematchRun:
    policy = Policy.objects.get(slug=slug)
    draft = policy_version_draft(policy=policy)
    if cap is not None:
        draft.cap = Decimal(cap)
        draft.save()
    policy_publish(version=draft, by=by)  # commits: the chunks are sent on commit
    return RematchRun.objects.filter(policy=policy).latest("id")


def _done(run: RematchRun) -> bool:
    run.refresh_from_db()
    return run.status == RematchStatus.DONE


def _assert_like_match_profile(slug: str, sample: int = 40) -> None:
    policy = Policy.objects.get(slug=slug)
    ids = list(Enterprise.objects.order_by("?").values_list("id", flat=True)[:sample])
    for enterprise in Enterprise.objects.filter(id__in=ids):
        report = match_profile(
            profile=enterprise_profile(enterprise=enterprise), as_of=date.today()
        )
        expected = {
            (line.ref or ""): (line.status, line.amount)
            for line in report.lines
            if line.policy.slug == slug
        }
        stored = {
            m.subject_ref: (m.status, m.amount)
            for m in Match.objects.filter(policy=policy, enterprise=enterprise)
        }
        assert stored == expected, enterprise.pk


def test_it_rematches_5000_enterprises_through_a_real_worker(
    catalogue: None, publisher: User, start_worker: Any, settings: Any
) -> None:
    settings.REMATCH_CHUNK_SIZE = 1000
    _enterprises(5000)
    start_worker()

    run = _publish("talent-living-subsidy-master", publisher, cap="55000")
    wait_for(lambda: _done(run), what="the re-match")

    people = Person.objects.count()
    per_subject = Match.objects.filter(policy=run.policy).values("enterprise", "subject_id")
    assert per_subject.count() == people
    assert not per_subject.annotate(n=Count("id")).filter(n__gt=1).exists()
    assert rematch_progress(run=run) == (5, 5)
    _assert_like_match_profile("talent-living-subsidy-master")


def test_it_finishes_a_rematch_after_the_worker_is_killed(
    catalogue: None, publisher: User, start_worker: Any, settings: Any
) -> None:
    settings.REMATCH_CHUNK_SIZE = 100  # 50 chunks: the kill lands in the middle
    _enterprises(5000, seed=11)
    worker = start_worker(concurrency=1)

    run = _publish("lifecycle-one-stop-service", publisher)
    wait_for(lambda: RematchChunk.objects.filter(run=run, done_at__isnull=False).count() >= 3)
    worker.kill()
    done_at_kill = RematchChunk.objects.filter(run=run, done_at__isnull=False).count()
    start_worker()
    rematch_sweep(older_than=timedelta(0))  # what beat does every few minutes
    wait_for(lambda: _done(run), what="the re-match after the crash")

    assert done_at_kill < 50
    assert Match.objects.filter(policy=run.policy).count() == Enterprise.objects.count()
    assert not (
        Match.objects.filter(policy=run.policy)
        .values("enterprise")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    ).exists()
    assert not Match.objects.filter(policy=run.policy).exclude(version=run.version).exists()
    _assert_like_match_profile("lifecycle-one-stop-service")


def test_it_commits_a_publish_while_redis_is_down_and_rematches_later(
    catalogue: None, publisher: User, start_worker: Any
) -> None:
    _enterprises(300, seed=3)
    draft = policy_version_draft(policy=Policy.objects.get(slug="talent-living-subsidy-master"))
    draft.cap = Decimal("52000")
    draft.save()

    # The staff member's web process publishes while its Redis is down (nothing on port 1).
    publish = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from django.contrib.auth.models import User; from policies.models import PolicyVersion; "
         "from policies.services import policy_publish; "
         f"policy_publish(version=PolicyVersion.objects.get(pk={draft.pk}), "
         "by=User.objects.get(username='publisher'))"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
        env={**os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": "redis://127.0.0.1:1/0"},
    )  # fmt: skip

    assert publish.returncode == 0, publish.stderr
    assert "not sent; the sweeper will resend it" in publish.stderr
    policy = Policy.objects.get(slug="talent-living-subsidy-master")
    assert policy.current_version_id == draft.pk
    run = RematchRun.objects.get(policy=policy)
    assert RematchChunk.objects.filter(run=run, sent_at__isnull=True).count() == run.chunks_total
    start_worker()
    rematch_sweep()  # what beat does every few minutes once Redis is back
    wait_for(lambda: _done(run), what="the re-match from the outbox")
    eligible = set(
        Match.objects.filter(policy=policy, status="eligible").values_list("amount", flat=True)
    )
    assert eligible == {Decimal("52000.00")}


def test_it_retries_a_chunk_that_failed_once(
    catalogue: None, publisher: User, start_worker: Any, settings: Any
) -> None:
    settings.REMATCH_CHUNK_SIZE = 100000
    _enterprises(200, seed=5)
    policy = Policy.objects.get(slug="joint-incubation")
    policy_publish(version=policy_version_draft(policy=policy), by=publisher)  # task queued
    run = RematchRun.objects.get(policy=policy)
    chunk = run.chunks.get()

    # Another transaction holds the chunk's row: the first attempt times out on the lock.
    locker = connections.create_connection("default")
    try:
        with locker.cursor() as cursor:
            cursor.execute("BEGIN")
            table = RematchChunk._meta.db_table
            cursor.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE", [chunk.pk])
            worker = start_worker(env={"REMATCH_LOCK_TIMEOUT_MS": "300"})
            wait_for(lambda: "rematch_chunk RETRY" in worker.log(), timeout=60, what="a failure")
            assert RematchChunk.objects.get(pk=chunk.pk).done_at is None
            cursor.execute("COMMIT")
    finally:
        locker.close()

    wait_for(lambda: _done(run), what="the retried chunk")
    assert worker.log().count("rematch_chunk RETRY") >= 1
    assert Match.objects.filter(policy=policy).count() == Enterprise.objects.count()


def test_it_never_holds_two_published_versions_when_two_staff_publish_at_once(
    catalogue: None, publisher: User
) -> None:
    # A policy has one open draft (a constraint): two staff publish it at the same moment.
    policy = Policy.objects.get(slug="loan-rd")
    draft = policy_version_draft(policy=policy)
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def publish() -> None:
        try:
            barrier.wait()
            policy_publish(version=PolicyVersion.objects.get(pk=draft.pk), by=publisher)
        except Exception as exc:  # collected for the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    published = PolicyVersion.objects.filter(policy=policy, status=VersionStatus.PUBLISHED)
    assert list(published.values_list("pk", flat=True)) == [draft.pk]
    # Serialised by the row lock: the second finds the draft already published and says so.
    assert [str(e) for e in errors] == ["only a draft can be published"]
    assert policy.versions.filter(status=VersionStatus.SUPERSEDED).count() == 1
