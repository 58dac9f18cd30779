"""The statements of one re-match chunk (design §10, §13): change-only upsert, change events,
stale rows. No row is read into Python.

The chunk's rows (status, amount, missing facts, decision record) are selected with the
compiled rule (`to_q`), the formula in SQL and the missing-signature table (`missing_sql`), and
upserted in one `INSERT … SELECT … ON CONFLICT DO UPDATE … WHERE … IS DISTINCT FROM …`: a row
is written only when its status, amount or missing facts differ, so a re-publish that changes
nothing writes nothing. Every change of status or amount appends a MatchChange in the same
transaction: on PostgreSQL in the same statement (the upsert's RETURNING joined to the rows as
they were), on SQLite by comparing with a temporary copy of the chunk's old rows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models import CharField as CharFieldType
from django.db.models.functions import Cast

from enterprises.models import Enterprise, Loan, Person

from .catalogue import CompiledPolicy
from .formula_sql import amount_expression, money_field
from .missing_sql import Signature, signature, values_table
from .models import Match, MatchChange
from .records import inputs_sql, trace_sql
from .rules import Subject
from .rules.to_q import to_q, to_q_unknown

# Up to this many signature bits, the table of missing lists lists all 2ⁿ signatures (at most
# 1,024 rows, a few ms to build) instead of asking the database which ones occur.
ENUMERATE_BITS = 10
MODELS: dict[Subject, Any] = {
    Subject.ENTERPRISE: Enterprise,
    Subject.PERSON: Person,
    Subject.LOAN: Loan,
}
MATCH = Match._meta.db_table
CHANGE = MatchChange._meta.db_table


@dataclass(frozen=True)
class Scope:
    """What one chunk covers: a policy over an enterprise-id range, on a date, and why."""

    policy_id: int
    first_id: int
    last_id: int
    as_of: date
    cause: str
    now: datetime
    only: Q | None = None  # daily runs: the subjects whose outcome can change today

    def subjects(self, subject: Subject) -> QuerySet[Any]:
        column = "id" if subject is Subject.ENTERPRISE else "enterprise_id"
        found = MODELS[subject].objects.filter(
            **{f"{column}__gte": self.first_id, f"{column}__lte": self.last_id}
        )
        return found if self.only is None else found.filter(self.only)

    def ranged(self, query: QuerySet[Any]) -> QuerySet[Any]:
        """`query` (a person's or loan's, built) with the id range on its enterprise join too:
        PostgreSQL does not carry `person.enterprise_id BETWEEN …` over the join, and joined
        the whole enterprise table by a sequential scan in every chunk (146 ms of a chunk's
        150 at 600,000 enterprises: the person re-match grew with the square of the rows)."""
        table = Enterprise._meta.db_table
        if query.model is Enterprise:
            return query
        built = query.query
        aliases = [
            alias
            for alias, join in built.alias_map.items()
            if join.table_name == table and built.alias_refcount[alias] > 0  # 0: not in the SQL
        ]
        if len(aliases) != 1:  # no enterprise fact in the rule (or, never seen, two joins)
            return query
        # extra(), not filter(enterprise__id…): the ORM trims that join to person.enterprise_id.
        column = f"{connection.ops.quote_name(aliases[0])}.{connection.ops.quote_name('id')}"
        return query.extra(
            where=[f"{column} BETWEEN %s AND %s"], params=[self.first_id, self.last_id]
        )


def write(compiled: CompiledPolicy, scope: Scope) -> tuple[int, int]:
    """Upsert the chunk's changed rows and their events: (rows written, events)."""
    select_sql, select_params, table_sql, table_params, words = _rows(compiled, scope)
    if select_sql is None:
        return 0, 0
    join = " AND ".join(f"m.{w} = q.{w}" for w in words)
    postgres = connection.vendor == "postgresql"
    as_json = "CAST(m.missing AS jsonb)" if postgres else "m.missing"
    records = "CAST(q.m_inputs AS jsonb)" if postgres else "q.m_inputs"
    upsert = (
        f"INSERT INTO {MATCH} (enterprise_id, policy_id, version_id, subject_type, subject_id, "
        "subject_ref, status, amount, missing, inputs, trace, evaluated_on, evaluated_at) "
        "SELECT q.m_enterprise, q.m_policy, q.m_version, q.m_type, q.m_subject, q.m_ref, "
        f"q.m_status, q.m_amount, COALESCE({as_json}, '[]'), {records}, q.m_trace, q.m_on, %s "
        # OFFSET 0 keeps PostgreSQL from inlining the subquery and working out each row's
        # signature once per join comparison.
        f"FROM ({select_sql}{' OFFSET 0' if postgres else ''}) q LEFT JOIN m ON {join} "
        # SQLite needs a WHERE in INSERT … SELECT … ON CONFLICT to parse the upsert.
        "WHERE true "
        "ON CONFLICT (enterprise_id, policy_id, subject_id) DO UPDATE SET "
        "version_id = excluded.version_id, subject_ref = excluded.subject_ref, "
        "status = excluded.status, amount = excluded.amount, missing = excluded.missing, "
        "inputs = excluded.inputs, trace = excluded.trace, "
        "evaluated_on = excluded.evaluated_on, evaluated_at = excluded.evaluated_at "
        f"WHERE {MATCH}.status IS DISTINCT FROM excluded.status "
        f"OR {MATCH}.amount IS DISTINCT FROM excluded.amount "
        f"OR {MATCH}.missing IS DISTINCT FROM excluded.missing "
        # A row stored before decision records were kept gets its record once.
        f"OR {MATCH}.trace = ''"
    )
    old = (
        f"SELECT enterprise_id, subject_id, status, amount FROM {MATCH} "
        "WHERE policy_id = %s AND enterprise_id BETWEEN %s AND %s"
    )
    old_params = [scope.policy_id, scope.first_id, scope.last_id]
    events_columns = (
        f"INSERT INTO {CHANGE} (enterprise_id, policy_id, subject_type, subject_id, subject_ref, "
        "from_status, to_status, from_amount, to_amount, version_id, cause, at) "
    )
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute(
                f"WITH m ({', '.join(words)}, missing) AS (VALUES {table_sql}), "
                f"old AS MATERIALIZED ({old}), "
                f"up AS ({upsert} RETURNING enterprise_id, subject_type, subject_id, "
                "subject_ref, status, amount, version_id), "
                f"ev AS ({events_columns}"
                "SELECT up.enterprise_id, %s, up.subject_type, up.subject_id, up.subject_ref, "
                "old.status, up.status, old.amount, up.amount, up.version_id, %s, %s "
                "FROM up LEFT JOIN old ON old.enterprise_id = up.enterprise_id "
                "AND old.subject_id = up.subject_id "
                "WHERE old.status IS DISTINCT FROM up.status "
                "OR old.amount IS DISTINCT FROM up.amount RETURNING 1) "
                "SELECT (SELECT count(*) FROM up), (SELECT count(*) FROM ev)",
                [*table_params, *old_params, _raw(scope.now), *select_params, scope.policy_id,
                 scope.cause, _raw(scope.now)],
            )  # fmt: skip
            rows, events = cursor.fetchone()
            return int(rows), int(events)
        cursor.execute("DROP TABLE IF EXISTS temp.pm_old")
        cursor.execute(f"CREATE TEMP TABLE pm_old AS {old}", old_params)
        cursor.execute(
            f"WITH m ({', '.join(words)}, missing) AS (VALUES {table_sql}) {upsert}",
            [*table_params, _raw(scope.now), *select_params],
        )
        # sqlite3 leaves rowcount at -1 for a statement that starts with WITH.
        cursor.execute("SELECT changes()")
        rows = int(cursor.fetchone()[0])
        cursor.execute(
            f"{events_columns}SELECT n.enterprise_id, n.policy_id, n.subject_type, "
            "n.subject_id, n.subject_ref, o.status, n.status, o.amount, n.amount, n.version_id, "
            f"%s, n.evaluated_at FROM {MATCH} n LEFT JOIN pm_old o "
            "ON o.enterprise_id = n.enterprise_id AND o.subject_id = n.subject_id "
            "WHERE n.policy_id = %s AND n.enterprise_id BETWEEN %s AND %s "
            "AND n.evaluated_at = %s "
            "AND (o.status IS DISTINCT FROM n.status OR o.amount IS DISTINCT FROM n.amount)",
            [scope.cause, *old_params, _raw(scope.now)],
        )
        events = max(cursor.rowcount, 0)
        cursor.execute("DROP TABLE temp.pm_old")
    return rows, events


def remove(scope: Scope, *, keep: Subject | None) -> int:
    """Remove the chunk's rows of subjects that are gone (`keep`: the policy's subject, whose
    existing rows stay), or all of them (`keep` None: no version in force); each removal is an
    event. Returns the rows removed."""
    where = "policy_id = %s AND enterprise_id BETWEEN %s AND %s"
    params: list[Any] = [scope.policy_id, scope.first_id, scope.last_id]
    if keep is Subject.ENTERPRISE:
        where += " AND subject_id <> 0"
    elif keep is not None:
        table = MODELS[keep]._meta.db_table
        where += (
            f" AND (subject_type <> %s OR subject_id NOT IN (SELECT id FROM {table} "
            "WHERE enterprise_id BETWEEN %s AND %s))"
        )
        params += [keep.value, scope.first_id, scope.last_id]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {CHANGE} (enterprise_id, policy_id, subject_type, subject_id, "
            "subject_ref, from_status, to_status, from_amount, to_amount, version_id, cause, "
            "at) SELECT enterprise_id, policy_id, subject_type, subject_id, subject_ref, "
            f"status, NULL, amount, NULL, version_id, %s, %s FROM {MATCH} WHERE {where}",
            [scope.cause, _raw(scope.now), *params],
        )
        cursor.execute(f"DELETE FROM {MATCH} WHERE {where}", params)
        return max(cursor.rowcount, 0)


def _raw(moment: datetime) -> Any:
    """A time as a raw parameter, stored as the ORM stores it (SQLite: UTC text)."""
    return connection.ops.adapt_datetimefield_value(moment)


# A run's chunks differ only in their id range, and building the SELECT through the ORM costs
# about half as much as the database's work on a chunk (26 ms of 48 at 600,000 enterprises).
# So a worker builds it once for a compiled version and date (all it depends on), with two
# sentinel ids in the range's place, and each chunk puts its own range into the parameters
# (no measure's figure is a negative integer of ten digits).
_FIRST, _LAST = -7_770_001_111, -7_770_002_222
_KEPT = 8
_statements: dict[tuple[str, date], _Select] = {}


@dataclass(frozen=True)
class _Select:
    """A chunk's SELECT with its id range left open: the parameters' indexes of its ends."""

    sql: str
    params: tuple[Any, ...]
    missing: Signature

    def bound(self, scope: Scope) -> list[Any]:
        ends = {_FIRST: scope.first_id, _LAST: scope.last_id}
        return [ends.get(p, p) if type(p) is int else p for p in self.params]


def _select(compiled: CompiledPolicy, scope: Scope) -> _Select:
    """The chunk's SELECT, built once for a version and date (a daily run's WHERE, each time)."""
    # The compiled version's repr holds its rule, formula, cap and ids: a version edited in
    # place, or a run id reused after a rollback, can never get another's statement.
    key = (repr(compiled), scope.as_of) if scope.only is None else None
    if key is not None and key in _statements:
        return _statements[key]
    sql, params, missing = _select_sql(compiled, replace(scope, first_id=_FIRST, last_id=_LAST))
    built = _Select(sql, tuple(params), missing)
    if key is not None:
        while len(_statements) >= _KEPT:
            del _statements[next(iter(_statements))]
        _statements[key] = built
    return built


def _rows(
    compiled: CompiledPolicy, scope: Scope
) -> tuple[str | None, list[Any], str, list[Any], list[str]]:
    """The chunk's rows as one SELECT, and the table of missing lists it joins."""
    select = _select(compiled, scope)
    params = select.bound(scope)
    missing = select.missing
    words = list(missing.annotations())
    if len(missing.bits) <= ENUMERATE_BITS:  # every possible signature: no query needed
        signatures = [(n,) for n in range(1 << len(missing.bits))]
    else:  # the distinct signatures of the chunk: a few dozen in practice
        found = scope.ranged(scope.subjects(compiled.subject).annotate(**missing.annotations()))
        signatures = sorted(found.values_list(*words).order_by().distinct())
        if not signatures:  # no subject in this range
            return None, [], "", [], words
    table_sql, table_params = values_table(missing, signatures)
    return select.sql, params, table_sql, table_params, words


def _select_sql(compiled: CompiledPolicy, scope: Scope) -> tuple[str, list[Any], Signature]:
    """The SELECT of a chunk's rows through the ORM, and the missing-facts signature it uses."""
    subject, rule, as_of = compiled.subject, compiled.rule.rule, scope.as_of
    true = to_q(rule, as_of=as_of, subject=subject)
    unknown = to_q_unknown(rule, as_of=as_of, subject=subject)
    is_enterprise = subject is Subject.ENTERPRISE
    amount = amount_expression(compiled.formula, compiled.cap, as_of=as_of, subject=subject)
    missing = signature(compiled, as_of=as_of)
    words = missing.annotations()
    text: CharFieldType[str, str] = CharFieldType()
    select = scope.subjects(subject).annotate(
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
        m_inputs=inputs_sql(compiled),
        m_trace=trace_sql(compiled, as_of=as_of),
        m_on=Value(as_of),
        **words,
    )
    columns = ["m_enterprise", "m_policy", "m_version", "m_type", "m_subject", "m_ref",
               "m_status", "m_amount", "m_inputs", "m_trace", "m_on", *words]  # fmt: skip
    sql, params = scope.ranged(select).values_list(*columns).query.sql_with_params()
    return sql, list(params), missing
