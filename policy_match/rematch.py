"""Re-matching one policy over every enterprise, set-based (design §6, §10, §13).

A run is split into chunks of enterprise ids, one Celery task each. A chunk works out its rows
with the version in force on the run's date and writes, in one transaction, only the rows that
changed and a MatchChange for each change of status or amount (`rematch_sql`): no model
instances, no Python loop over the rows. A failed chunk leaves the previous results in place
and a retried one writes the same rows again; a run's done chunks confirm its version and date
for their id range (selectors.match_confirmed), rows or no rows.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Max, Min, Q
from django.utils import timezone

from enterprises.models import Enterprise
from policies.models import Policy, PolicyStatus
from policies.versions import version_in_force

from .catalogue import compile_version
from .jobs import EVENTS_DISPATCH, REMATCH_CHUNK, TAKEUP_REFRESH, job_send
from .models import ChangeCause, RematchChunk, RematchRun, RematchStatus
from .rematch_rows import Scope
from .rematch_sql import remove, write
from .rules.to_q import crossings_q

logger = logging.getLogger(__name__)


@transaction.atomic
def rematch_policy_start(
    *,
    policy: Policy,
    as_of: date | None = None,
    cause: str = ChangeCause.PUBLISH,
    crossings_only: bool = False,
    chunk_starts: list[int] | None = None,
) -> RematchRun:
    """Plan a re-match of `policy` on `as_of` (default today) in chunks, and send them to the
    workers after commit. `crossings_only`: only the subjects whose date-derived conditions
    reach a threshold that day (the daily run), in the chunks `chunk_starts` (the first ids
    of the id ranges that hold any; see policy_match.daily)."""
    as_of = as_of or timezone.localdate()
    bounds = Enterprise.objects.aggregate(low=Min("id"), high=Max("id"))
    version = (
        version_in_force(policy_id=policy.pk, as_of=as_of)
        if policy.status == PolicyStatus.PUBLISHED
        else None
    )
    run = RematchRun.objects.create(
        policy=policy, version=version, as_of=as_of, cause=cause, crossings_only=crossings_only
    )
    size = settings.REMATCH_CHUNK_SIZE
    if chunk_starts is not None:
        starts: list[int] = sorted(chunk_starts)
    elif bounds["low"] is not None:
        starts = list(range(bounds["low"], bounds["high"] + 1, size))
    else:
        starts = []
    chunks = [RematchChunk(run=run, first_id=first, last_id=first + size - 1) for first in starts]
    RematchChunk.objects.bulk_create(chunks)
    run.chunks_total = len(chunks)
    if not chunks:
        run.status, run.finished_at = RematchStatus.DONE, timezone.now()
    run.save(update_fields=["chunks_total", "status", "finished_at"])
    transaction.on_commit(lambda: rematch_send(run=run))
    return run


def rematch_send(*, run: RematchRun) -> None:
    """Hand the run's pending chunks to the broker; if it is down the sweeper retries later."""
    for chunk in run.chunks.filter(done_at__isnull=True):
        try:
            job_send(REMATCH_CHUNK, chunk.pk)
        except Exception:  # broker down: the chunk stays pending in the outbox
            logger.exception("rematch chunk %s not sent; the sweeper will resend it", chunk.pk)
            return
        RematchChunk.objects.filter(pk=chunk.pk, done_at__isnull=True).update(
            sent_at=timezone.now()
        )


def rematch_sweep(*, older_than: timedelta | None = None) -> int:
    """Resend chunks never sent, or sent long ago and still not done (lost or failed tasks)."""
    if older_than is None:
        older_than = timedelta(seconds=settings.REMATCH_RESEND_AFTER_SECONDS)
    cutoff = timezone.now() - older_than
    stale = RematchChunk.objects.filter(done_at__isnull=True).filter(
        Q(sent_at__isnull=True) | Q(sent_at__lt=cutoff)
    )
    runs = RematchRun.objects.filter(pk__in=stale.values("run_id"))
    for run in runs:
        rematch_send(run=run)
    return len(runs)


def rematch_progress(*, run: RematchRun) -> tuple[int, int]:
    """(chunks done, chunks in all)."""
    return run.chunks.filter(done_at__isnull=False).count(), run.chunks_total


@transaction.atomic
def rematch_chunk_run(*, chunk_id: int) -> int:
    """Re-match one chunk; idempotent. Returns the number of rows written or removed."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Never wait forever on a lock: fail and retry. And don't wait for the WAL flush:
            # the chunk's "done" mark commits with its rows, so a commit lost in a crash (at
            # most a fraction of a second) leaves the chunk pending and the sweeper runs it
            # again; nothing is lost, only redone. (Both in one round trip, for this
            # transaction only.)
            cursor.execute(
                "SELECT set_config('lock_timeout', %s, true), "
                "set_config('synchronous_commit', 'off', true)",
                [str(int(settings.REMATCH_LOCK_TIMEOUT_MS))],
            )
    # Only the chunk's own row is locked (of self): locking the joined policy row for the whole
    # chunk made every API write of a result for that policy wait on it, and deadlock. The
    # run's version and policy come in the same query (they were two more round trips).
    chunk = (
        RematchChunk.objects.select_for_update(of=("self",))
        .select_related("run__version__policy")
        .get(pk=chunk_id)
    )
    if chunk.done_at is not None:
        return chunk.rows
    run = chunk.run
    scope = Scope(
        policy_id=run.policy_id,
        first_id=chunk.first_id,
        last_id=chunk.last_id,
        as_of=run.as_of,
        cause=run.cause,
        now=timezone.now(),
    )
    rows = 0
    if run.version_id is None:  # no version in force that day (ended, or retired)
        rows = remove(scope, keep=None)
    else:
        compiled = compile_version(run.version)  # type: ignore[arg-type]
        if run.crossings_only:
            rules = [compiled.rule.rule, *compiled.case_rules]
            only = crossings_q(rules, as_of=run.as_of, subject=compiled.subject)
            scope = replace(scope, only=only)
        rows, _events = write(compiled, scope)
        if not run.crossings_only:  # a daily run looks at no one else, gone or not
            rows += remove(scope, keep=compiled.subject)
    RematchChunk.objects.filter(pk=chunk.pk).update(
        done_at=timezone.now(), rows=rows, attempts=F("attempts") + 1
    )
    # The run's row is locked before asking whether any chunk is left: the last two chunks,
    # committing at once on two workers, each saw the other's "done" uncommitted and neither
    # ended the run (seen at 600,000 enterprises: 60 chunks done, the run "running" for good).
    # Locked, the second asks after the first has committed, in a statement of its own.
    RematchRun.objects.select_for_update(no_key=True).filter(pk=run.pk).values_list("pk").get()
    finished = not RematchChunk.objects.filter(run=run, done_at__isnull=True).exists()
    if finished:
        RematchRun.objects.filter(pk=run.pk).update(
            status=RematchStatus.DONE, finished_at=timezone.now()
        )
    _dispatch_on_commit(run.policy_id, finished=finished)
    return rows


# At most one outbox kick in this many seconds while a run's chunks commit (and one when the
# run ends). A pass of the outbox re-counts the events of the last few minutes (outbox.py), so
# kicking it after each of a 600,000-enterprise run's 60 chunks made the run quadratic: 4 of
# every 5 seconds of a re-publish that changed nothing went to those counts. Beat dispatches
# every 30 seconds as well, so no event waits longer than it did before the kicks.
KICK_SECONDS = 5


def _dispatch_on_commit(policy_id: int, *, finished: bool) -> None:
    """Notices and webhooks read the change events (an outbox) once the chunk commits: when the
    run is done, and otherwise at most once in KICK_SECONDS (over every worker)."""
    if finished:
        transaction.on_commit(lambda: job_send(EVENTS_DISPATCH))
        transaction.on_commit(lambda: job_send(TAKEUP_REFRESH, [policy_id]))
    elif cache.add("rematch:events-kicked", True, timeout=KICK_SECONDS):
        transaction.on_commit(lambda: job_send(EVENTS_DISPATCH))
