"""Change events keep no constraint on their enterprise in the database (its check locked the
enterprise's row for every event a re-publish wrote), yet no event outlives its enterprise:
deleting one deletes its events, and a chunk that writes events for an enterprise deleted
meanwhile fails as a whole, through its Match rows' own constraint, and is done again."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from enterprises.models import Enterprise
from policies.models import Policy
from policy_match.models import ChangeCause, Match, MatchChange, RematchChunk, RematchRun
from policy_match.rematch import rematch_chunk_run

SLUG = "lifecycle-one-stop-service"  # every enterprise gets a result: every one an event


def _run(policy: Policy) -> RematchChunk:
    """One run of one chunk over every enterprise, planned as rematch_policy_start plans it
    but not sent: the test is the worker."""
    run = RematchRun.objects.create(
        policy=policy, version=policy.current_version, as_of=timezone.localdate(),
        cause=ChangeCause.PUBLISH, chunks_total=1,
    )  # fmt: skip
    ids = Enterprise.objects.values_list("pk", flat=True)
    return RematchChunk.objects.create(run=run, first_id=min(ids), last_id=max(ids))


@pytest.mark.django_db
def test_deleting_an_enterprise_deletes_its_change_events(seeds_dir: Path) -> None:
    call_command("load_catalogue", str(seeds_dir))
    call_command("seed_demo", str(seeds_dir / "demo_enterprises.yaml"), "--no-match")
    rematch_chunk_run(chunk_id=_run(Policy.objects.get(slug=SLUG)).pk)
    enterprise = Enterprise.objects.order_by("pk").first()
    assert enterprise is not None and MatchChange.objects.filter(enterprise=enterprise).exists()

    enterprise.delete()

    assert not MatchChange.objects.filter(enterprise_id=enterprise.pk).exists()
    assert MatchChange.objects.exists()  # the others' stay


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_chunk_racing_an_enterprise_deletion_leaves_no_event_of_it(seeds_dir: Path) -> None:
    call_command("load_catalogue", str(seeds_dir))
    call_command("seed_demo", str(seeds_dir / "demo_enterprises.yaml"), "--no-match")
    chunk = _run(Policy.objects.get(slug=SLUG))
    doomed = Enterprise.objects.order_by("pk").first()
    assert doomed is not None
    deleted = threading.Event()

    def delete() -> None:
        # Deleted, then held uncommitted for a second while the chunk reads the enterprise and
        # writes its result and event (the chunk's commit waits on this lock).
        try:
            with transaction.atomic():
                Enterprise.objects.filter(pk=doomed.pk).delete()
                deleted.set()
                time.sleep(1.0)
        finally:
            connection.close()

    def rematch() -> str:
        deleted.wait(5)
        try:
            rematch_chunk_run(chunk_id=chunk.pk)
            return "done"
        except DatabaseError as error:  # the Match row's constraint (or the lock timeout)
            return type(error).__name__
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        deleting = pool.submit(delete)
        first = pool.submit(rematch).result()
        deleting.result()

    assert first != "done"  # it wrote for an enterprise that was gone: all of it undone
    assert not RematchChunk.objects.get(pk=chunk.pk).done_at
    rematch_chunk_run(chunk_id=chunk.pk)  # as the sweeper or the task's retry runs it again

    assert not MatchChange.objects.filter(enterprise_id=doomed.pk).exists()
    assert not Match.objects.filter(enterprise_id=doomed.pk).exists()
    others = Enterprise.objects.count()
    assert Match.objects.filter(policy__slug=SLUG).count() == others
    assert MatchChange.objects.filter(policy__slug=SLUG).count() == others
