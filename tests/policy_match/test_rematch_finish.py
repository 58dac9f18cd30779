"""A run ends when its last chunk commits, even when its last two chunks commit at once on two
workers (PostgreSQL, real threads with their own connections)."""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from enterprises.models import Enterprise
from policies.models import Policy
from policy_match.models import ChangeCause, RematchChunk, RematchRun, RematchStatus
from policy_match.rematch import rematch_chunk_run

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def test_the_last_two_chunks_committing_together_end_the_run(seeds_dir: Path) -> None:
    call_command("load_catalogue", str(seeds_dir))
    call_command("seed_demo", str(seeds_dir / "demo_enterprises.yaml"), "--no-match")
    policy = Policy.objects.get(slug="lifecycle-one-stop-service")
    # Planned as rematch_policy_start plans it, but not sent: the threads are the workers.
    run = RematchRun.objects.create(
        policy=policy, version=policy.current_version, as_of=timezone.localdate(),
        cause=ChangeCause.PUBLISH, chunks_total=2,
    )  # fmt: skip
    ids = sorted(Enterprise.objects.values_list("pk", flat=True))
    middle = ids[len(ids) // 2]
    RematchChunk.objects.bulk_create(
        [RematchChunk(run=run, first_id=ids[0], last_id=middle - 1),
         RematchChunk(run=run, first_id=middle, last_id=ids[-1])]
    )  # fmt: skip
    # Each chunk's transaction is held open after its work until the other's is done too
    # (or five seconds have passed: a chunk that waits on a lock cannot arrive), so that
    # each asks "any chunk left?" while the other's "done" is not yet committed.
    both_done = threading.Barrier(2, timeout=5)

    def chunk(pk: int) -> int:
        try:
            with transaction.atomic():
                rows = rematch_chunk_run(chunk_id=pk)
                with contextlib.suppress(threading.BrokenBarrierError):
                    both_done.wait()
            return rows
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        rows = list(pool.map(chunk, run.chunks.values_list("pk", flat=True)))

    run = RematchRun.objects.get(pk=run.pk)
    assert sum(rows) == len(ids) and run.chunks.filter(done_at__isnull=True).count() == 0
    assert run.status == RematchStatus.DONE and run.finished_at is not None
