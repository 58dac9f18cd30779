"""Re-matching one policy over every enterprise, set-based (design §6, §10).

A run is split into chunks of enterprise ids, one Celery task each. A chunk selects its rows'
status and amount with the compiled rule (`to_q`) and the formula compiled to SQL, and writes
them with one `INSERT … SELECT … ON CONFLICT DO UPDATE`: no model instances, no Python loop
over the rows. The missing facts of each row come from a small table of the chunk's distinct
"missing" signatures (`missing_sql`), joined in the same statement. A chunk is one
transaction, so a failed chunk leaves the previous results in place and a retried one writes
the same rows again.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Max, Min, Q, QuerySet, Value, When
from django.db.models import CharField as CharFieldType
from django.db.models.functions import Cast
from django.utils import timezone

from enterprises.models import Enterprise, Loan, Person
from policies.models import Policy, PolicyStatus

from .catalogue import CompiledPolicy, compile_version
from .formula_sql import amount_expression, money_field
from .missing_sql import signature, values_table
from .models import Match, MatchStatus, RematchChunk, RematchRun, RematchStatus
from .notifications import notify_newly_eligible
from .rules import Subject
from .rules.to_q import to_q, to_q_unknown

logger = logging.getLogger(__name__)
# Up to this many signature bits, the table of missing lists lists all 2ⁿ signatures (at most
# 1,024 rows, a few ms to build) instead of asking the database which ones occur.
ENUMERATE_BITS = 10
MODELS: dict[Subject, Any] = {
    Subject.ENTERPRISE: Enterprise,
    Subject.PERSON: Person,
    Subject.LOAN: Loan,
}


@transaction.atomic
def rematch_policy_start(*, policy: Policy, as_of: date | None = None) -> RematchRun:
    """Plan a re-match of `policy` in chunks and send them to the workers after commit."""
    bounds = Enterprise.objects.aggregate(low=Min("id"), high=Max("id"))
    run = RematchRun.objects.create(
        policy=policy, version=policy.current_version, as_of=as_of or timezone.localdate()
    )
    size = settings.REMATCH_CHUNK_SIZE
    chunks = []
    if bounds["low"] is not None:
        for first in range(bounds["low"], bounds["high"] + 1, size):
            chunks.append(RematchChunk(run=run, first_id=first, last_id=first + size - 1))
    RematchChunk.objects.bulk_create(chunks)
    run.chunks_total = len(chunks)
    if not chunks:
        run.status, run.finished_at = RematchStatus.DONE, timezone.now()
    run.save(update_fields=["chunks_total", "status", "finished_at"])
    transaction.on_commit(lambda: rematch_send(run=run))
    return run


def rematch_send(*, run: RematchRun) -> None:
    """Hand the run's pending chunks to the broker; if it is down the sweeper retries later."""
    from .tasks import rematch_chunk  # tasks import this module

    for chunk in run.chunks.filter(done_at__isnull=True):
        try:
            rematch_chunk.delay(chunk.pk)
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
    """Re-match one chunk; idempotent. Returns the number of rows written."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Never wait forever on a lock: fail and retry.
            cursor.execute(f"SET LOCAL lock_timeout = {int(settings.REMATCH_LOCK_TIMEOUT_MS)}")
            # Don't wait for the WAL flush: the chunk's "done" mark commits with its rows, so
            # a commit lost in a crash (at most a fraction of a second) leaves the chunk
            # pending and the sweeper runs it again; nothing is lost, only redone.
            cursor.execute("SET LOCAL synchronous_commit = off")
    # Only the chunk's own row is locked (of self): locking the joined policy row for the whole
    # chunk made every API write of a result for that policy wait on it, and deadlock.
    chunk = (
        RematchChunk.objects.select_for_update(of=("self",)).select_related("run").get(pk=chunk_id)
    )
    if chunk.done_at is not None:
        return chunk.rows
    run = chunk.run
    policy = Policy.objects.select_related("current_version").get(pk=run.policy_id)
    version = policy.current_version
    now = timezone.now()
    stored = Match.objects.filter(
        policy=policy, enterprise_id__gte=chunk.first_id, enterprise_id__lte=chunk.last_id
    )
    rows = 0
    owned_eligible = stored.filter(status=MatchStatus.ELIGIBLE, enterprise__owner__isnull=False)
    before = set(owned_eligible.values_list("enterprise_id", flat=True))
    if policy.status == PolicyStatus.PUBLISHED and version is not None:
        compiled = compile_version(version)
        if compiled.active_on(run.as_of):
            rows = _write(compiled, run.as_of, chunk, now)
    newly = set(owned_eligible.values_list("enterprise_id", flat=True)) - before
    if newly:  # startups with an account hear of it; only they have an address
        transaction.on_commit(lambda: _notify(newly, policy.slug))
    # Rows not rewritten belong to subjects that are gone, or to a measure no longer in force.
    stored.filter(evaluated_at__lt=now).delete()
    RematchChunk.objects.filter(pk=chunk.pk).update(
        done_at=timezone.now(), rows=rows, attempts=F("attempts") + 1
    )
    if not RematchChunk.objects.filter(run=run, done_at__isnull=True).exists():
        RematchRun.objects.filter(pk=run.pk).update(
            status=RematchStatus.DONE, finished_at=timezone.now()
        )
    return rows


def _notify(enterprise_ids: set[int], slug: str) -> None:
    for enterprise in Enterprise.objects.filter(pk__in=enterprise_ids).select_related("owner"):
        notify_newly_eligible(enterprise=enterprise, slugs=[slug])


def _subjects(compiled: CompiledPolicy, chunk: RematchChunk) -> QuerySet[Any]:
    model = MODELS[compiled.subject]
    column = "id" if compiled.subject is Subject.ENTERPRISE else "enterprise_id"
    return model.objects.filter(
        **{f"{column}__gte": chunk.first_id, f"{column}__lte": chunk.last_id}
    )


def _write(compiled: CompiledPolicy, as_of: date, chunk: RematchChunk, now: Any) -> int:
    subject, rule = compiled.subject, compiled.rule.rule
    true = to_q(rule, as_of=as_of, subject=subject)
    unknown = to_q_unknown(rule, as_of=as_of, subject=subject)
    is_enterprise = subject is Subject.ENTERPRISE
    amount = amount_expression(compiled.formula, compiled.cap, as_of=as_of, subject=subject)
    missing = signature(compiled, as_of=as_of)
    words = missing.annotations()
    text: CharFieldType[str, str] = CharFieldType()
    select = _subjects(compiled, chunk).annotate(
        m_enterprise=F("id") if is_enterprise else F("enterprise_id"),
        m_policy=Value(compiled.policy_id, output_field=IntegerField()),
        m_version=Value(compiled.version_id, output_field=IntegerField()),
        m_type=Value(subject.value, output_field=text),
        m_subject=Value(0, output_field=IntegerField()) if is_enterprise else F("id"),
        m_ref=Value("", output_field=text) if is_enterprise else F("ref"),
        m_status=Case(
            When(true, then=Value("eligible")),
            When(unknown, then=Value("undetermined")),
            default=Value("ineligible"),
            output_field=text,
        ),
        # Cast: PostgreSQL types a CASE of bare NULLs as text.
        m_amount=Cast(Case(When(true | unknown, then=amount), default=None), money_field()),
        m_at=Value(now),
        **words,
    )
    columns = ["m_enterprise", "m_policy", "m_version", "m_type", "m_subject", "m_ref",
               "m_status", "m_amount", "m_at", *words]  # fmt: skip
    sql, params = select.values_list(*columns).query.sql_with_params()
    if len(missing.bits) <= ENUMERATE_BITS:  # every possible signature: no query needed
        signatures = [(n,) for n in range(1 << len(missing.bits))]
    else:  # the distinct signatures of the chunk: a few dozen in practice
        found = _subjects(compiled, chunk).annotate(**words).values_list(*words)
        signatures = sorted(found.order_by().distinct())
        if not signatures:  # no subject in this range
            return 0
    table_sql, table_params = values_table(missing, signatures)
    postgres = connection.vendor == "postgresql"
    join = " AND ".join(f"m.{w} = q.{w}" for w in words)
    as_json = "CAST(m.missing AS jsonb)" if postgres else "m.missing"
    insert = (
        f"WITH m ({', '.join(words)}, missing) AS (VALUES {table_sql}) "
        f"INSERT INTO {Match._meta.db_table} (enterprise_id, policy_id, version_id, "
        "subject_type, subject_id, subject_ref, status, amount, missing, trace, evaluated_at) "
        "SELECT q.m_enterprise, q.m_policy, q.m_version, q.m_type, q.m_subject, q.m_ref, "
        f"q.m_status, q.m_amount, COALESCE({as_json}, '[]'), '[]', q.m_at "
        # OFFSET 0 keeps PostgreSQL from inlining the subquery and working out each row's
        # signature once per join comparison.
        f"FROM ({sql}{' OFFSET 0' if postgres else ''}) q LEFT JOIN m ON {join} "
        # SQLite needs a WHERE in INSERT … SELECT … ON CONFLICT to parse the upsert.
        "WHERE true "
        "ON CONFLICT (enterprise_id, policy_id, subject_id) DO UPDATE SET "
        "version_id = excluded.version_id, subject_ref = excluded.subject_ref, "
        "status = excluded.status, amount = excluded.amount, missing = excluded.missing, "
        "trace = excluded.trace, evaluated_at = excluded.evaluated_at"
    )
    with connection.cursor() as cursor:
        cursor.execute(insert, [*table_params, *params])
        return max(cursor.rowcount, 0)
