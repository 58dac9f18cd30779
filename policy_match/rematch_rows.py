"""The rows of one re-match chunk as SQL (design §10, §13): what a chunk covers, and the two
SELECTs its statement joins.

The *decision* SELECT works out each subject's status, amount and missing-facts signature
with the compiled rule (`to_q`), the formula in SQL and the signature's bits (`missing_sql`).
The *record* SELECT works out the decision record (inputs and the outcome of every rule
node), the dearer half of a row: the statement joins it only to the rows whose decision
changed, so a re-publish that changes a few rows builds a few records, not the chunk's.
Both are built once through the ORM for a compiled version and date; each chunk puts its own
id range into the parameters.
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
# The decision SELECT's columns (then the signature's words), and the record SELECT's.
DECISION = ("m_pk", "m_enterprise", "m_subject", "m_status", "m_amount")
RECORD = ("m_pk", "m_policy", "m_version", "m_type", "m_ref", "m_inputs", "m_trace", "m_on")
# The record SELECT reads the rows the statement found changed (rematch_sql names them so).
CHANGED = "changed"
CHANGED_IDS = f"(SELECT m_pk FROM {CHANGED})"


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


@dataclass(frozen=True)
class Chunk:
    """A chunk's two SELECTs with their parameters, and the table of missing lists."""

    decision_sql: str
    decision_params: list[Any]
    record_sql: str
    record_params: list[Any]
    table_sql: str
    table_params: list[Any]
    words: list[str]  # the signature's columns, on which the table joins


def chunk_rows(compiled: CompiledPolicy, scope: Scope) -> Chunk | None:
    """The chunk's SELECTs, or None when its range holds no subject (many signature bits)."""
    select = _select(compiled, scope)
    missing = select.missing
    words = list(missing.annotations())
    if len(missing.bits) <= ENUMERATE_BITS:  # every possible signature: no query needed
        signatures = [(n,) for n in range(1 << len(missing.bits))]
    else:  # the distinct signatures of the chunk: a few dozen in practice
        found = scope.ranged(scope.subjects(compiled.subject).annotate(**missing.annotations()))
        signatures = sorted(found.values_list(*words).order_by().distinct())
        if not signatures:
            return None
    table_sql, table_params = values_table(missing, signatures)
    return Chunk(
        select.decision_sql, select.bound(select.decision_params, scope),
        select.record_sql, select.bound(select.record_params, scope),
        table_sql, table_params, words,
    )  # fmt: skip


# A run's chunks differ only in their id range, and building the SELECTs through the ORM costs
# about half as much as the database's work on a chunk (26 ms of 48 at 600,000 enterprises).
# So a worker builds them once for a compiled version and date (all they depend on), with two
# sentinel ids in the range's place, and each chunk puts its own range into the parameters
# (no measure's figure is a negative integer of ten digits).
_FIRST, _LAST = -7_770_001_111, -7_770_002_222
_KEPT = 40  # a daily run has one statement a measure (35 today); each some tens of KB


@dataclass(frozen=True)
class _Select:
    decision_sql: str
    decision_params: tuple[Any, ...]
    record_sql: str
    record_params: tuple[Any, ...]
    missing: Signature

    @staticmethod
    def bound(params: tuple[Any, ...], scope: Scope) -> list[Any]:
        ends = {_FIRST: scope.first_id, _LAST: scope.last_id}
        return [ends.get(p, p) if type(p) is int else p for p in params]


_statements: dict[tuple[str, date, str | None], _Select] = {}


def _select(compiled: CompiledPolicy, scope: Scope) -> _Select:
    """The chunk's SELECTs, built once for a version, date and daily filter."""
    # The compiled version's repr holds its rule, formula, cap and ids: a version edited in
    # place, or a run id reused after a rollback, can never get another's statement. A daily
    # run's filter (the subjects whose dates cross a threshold) is worked out from the same
    # version and date, and its text names every column and date it compares.
    key = (repr(compiled), scope.as_of, None if scope.only is None else str(scope.only))
    if key in _statements:
        return _statements[key]
    open_scope = replace(scope, first_id=_FIRST, last_id=_LAST)
    (decision, decision_params), (record, record_params), missing = select_sql(compiled, open_scope)
    built = _Select(decision, tuple(decision_params), record, tuple(record_params), missing)
    while len(_statements) >= _KEPT:
        del _statements[next(iter(_statements))]
    _statements[key] = built
    return built


Statement = tuple[str, list[Any]]


def select_sql(compiled: CompiledPolicy, scope: Scope) -> tuple[Statement, Statement, Signature]:
    """The decision and record SELECTs through the ORM, and the signature they use."""
    subject, rule, as_of = compiled.subject, compiled.rule.rule, scope.as_of
    true = to_q(rule, as_of=as_of, subject=subject)
    unknown = to_q_unknown(rule, as_of=as_of, subject=subject)
    is_enterprise = subject is Subject.ENTERPRISE
    amount = amount_expression(compiled.formula, compiled.cap, as_of=as_of, subject=subject)
    missing = signature(compiled, as_of=as_of)
    words = missing.annotations()
    text: CharFieldType[str, str] = CharFieldType()
    decision = scope.subjects(subject).annotate(
        m_pk=F("id"),
        m_enterprise=F("id") if is_enterprise else F("enterprise_id"),
        m_subject=Value(0, output_field=IntegerField()) if is_enterprise else F("id"),
        m_status=Case(
            When(true, then=Value("eligible")),
            When(unknown, then=Value("undetermined")),
            default=Value("ineligible"),
            output_field=text,
        ),
        # Cast: PostgreSQL types a CASE of bare NULLs as text.
        m_amount=Cast(Case(When(true | unknown, then=amount), default=None), money_field()),
        **words,
    )
    record = scope.subjects(subject).annotate(
        m_pk=F("id"),
        m_policy=Value(compiled.policy_id, output_field=IntegerField()),
        m_version=Value(compiled.version_id, output_field=IntegerField()),
        m_type=Value(subject.value, output_field=text),
        m_ref=Value("", output_field=text) if is_enterprise else F("ref"),
        m_inputs=inputs_sql(compiled),
        m_trace=trace_sql(compiled, as_of=as_of),
        m_on=Value(as_of),
    )
    # Only the subjects of the statement's `changed` rows: PostgreSQL cannot know how few
    # they are, and joining the record SELECT to them by a hash built every record of the
    # chunk (14 ms of a chunk where 564 of 10,000 rows changed).
    table = connection.ops.quote_name(MODELS[subject]._meta.db_table)
    record = record.extra(where=[f"{table}.{connection.ops.quote_name('id')} IN {CHANGED_IDS}"])
    return (
        _sql(scope.ranged(decision).values_list(*DECISION, *words)),
        _sql(scope.ranged(record).values_list(*RECORD)),
        missing,
    )


def _sql(query: QuerySet[Any]) -> Statement:
    sql, params = query.query.sql_with_params()
    return sql, list(params)
