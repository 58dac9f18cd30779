"""The published catalogue, parsed and compiled once per version and kept in the process.

Every use checks a cheap stamp of the set of published versions (one aggregate query): new
version ids only grow, so (count, max id, sum of ids) changes whenever a version is published,
superseded or retired, in whichever process did it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db import connection

from policies.models import PolicyVersion, VersionStatus

from .rules import FACTS, CompiledRule, Subject, Text, parse, parse_formula
from .rules.nodes import Cases, Expr, Op, Rule


@dataclass(frozen=True)
class CompiledPolicy:
    slug: str
    policy_id: int
    version_id: int
    category: str
    subject: Subject
    name: Text
    rule: CompiledRule
    formula: Expr | None
    formula_facts: frozenset[str]
    cap: Decimal | None
    cap_scope: str
    cap_per: str
    benefit_kind: str
    amount_note: Text | None
    value_note: Text | None
    valid_from: date | None
    valid_to: date | None
    exclusive_group: str
    award: str = "competitive"  # entitled | competitive (design §12)
    amount_kind: str = "up_to"  # exact (a formula) | up_to (a published maximum)
    confidence: str = "assumed"  # the weakest basis that affects a result
    sources: tuple[dict[str, Any], ...] = ()
    apply_window: str = "unknown"
    apply_opens: date | None = None
    apply_closes: date | None = None
    documents: tuple[Text, ...] = ()

    def active_on(self, as_of: date) -> bool:
        return (self.valid_from is None or self.valid_from <= as_of) and (
            self.valid_to is None or as_of <= self.valid_to
        )

    @cached_property
    def case_rules(self) -> tuple[Rule, ...]:
        """The `when` rules of the formula's cases (they read facts too)."""
        found: list[Rule] = []

        def visit(expr: Expr | None) -> None:
            if isinstance(expr, Cases):
                for case in expr.cases:
                    found.append(case.when)
                    visit(case.then)
                visit(expr.otherwise)
            elif isinstance(expr, Op):
                for arg in expr.args:
                    visit(arg)

        visit(self.formula)
        return tuple(found)

    @cached_property
    def shown_facts(self) -> tuple[str, ...]:
        """Every fact whose value a rendered result line may show or ask for: those of the
        conditions and the formula, and their inputs (report.py keys its line cache on them)."""
        names: set[str] = set()
        for name in self.rule.rule.facts | self.formula_facts:
            fact = FACTS[name]
            names.update((name, *fact.inputs, *fact.ask_for))
        return tuple(sorted(names))


def _text(version: PolicyVersion, field: str) -> Text | None:
    zh = getattr(version, f"{field}_zh_hans") or ""
    en = getattr(version, f"{field}_en") or ""
    return Text(zh, en or zh) if zh or en else None


def compile_version(version: PolicyVersion) -> CompiledPolicy:
    from .rules import formula_facts

    formula = parse_formula(version.formula)
    name = _text(version, "name")
    assert name is not None
    return CompiledPolicy(
        slug=version.policy.slug,
        policy_id=version.policy_id,
        version_id=version.pk,
        category=version.policy.category,
        subject=Subject(version.policy.subject),
        name=name,
        rule=CompiledRule(parse(version.rule)),
        formula=formula,
        formula_facts=formula_facts(formula),
        cap=version.cap,
        cap_scope=version.cap_scope,
        cap_per=version.cap_per,
        benefit_kind=version.benefit_kind,
        amount_note=_text(version, "amount_note"),
        value_note=_text(version, "value_note"),
        valid_from=version.valid_from,
        valid_to=version.valid_to,
        exclusive_group=version.exclusive_group,
        award=version.award,
        amount_kind=version.amount_kind or ("exact" if formula is not None else "up_to"),
        confidence=version.confidence,
        sources=tuple(version.sources or ()),
        apply_window=version.apply_window,
        apply_opens=version.apply_opens,
        apply_closes=version.apply_closes,
        documents=tuple(Text.from_dict(d) for d in version.documents or ()),
    )


_lock = threading.Lock()
Stamp = tuple[int, int, int, object]
_cached: tuple[Stamp, tuple[CompiledPolicy, ...]] | None = None


# The stamp of the published set as a derived table of one row (n, top, total, changed): the
# API's key query joins it, so that a /match/ request costs one query, not two (design §10).
# MAX(changed_at): a published version's end date is changed by a later amendment, without
# any version entering or leaving the set.
STAMP_TABLE_SQL = (
    "(SELECT COUNT(*) AS n, MAX(id) AS top, SUM(id) AS total, MAX(changed_at) AS changed"
    f" FROM {PolicyVersion._meta.db_table} WHERE status = %s)"
)
STAMP_PARAMS = (VersionStatus.PUBLISHED.value,)


def stamp_of(n: int | None, top: int | None, total: Any, changed: object) -> Stamp:
    """The stamp from the derived table's four columns (NULLs when nothing is published)."""
    return (n or 0, top or 0, int(total or 0), changed)


def _stamp() -> Stamp:
    # Raw SQL: this runs on every match request, and the ORM's query building would cost
    # more than the query itself.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT n, top, total, changed FROM {STAMP_TABLE_SQL} s", STAMP_PARAMS)
        return stamp_of(*cursor.fetchone())


def published_catalogue(stamp: Stamp | None = None) -> tuple[CompiledPolicy, ...]:
    """The compiled published catalogue: one query when nothing changed, two otherwise, none
    when the caller read the `stamp` already (in the same query as the API key)."""
    global _cached
    stamp = _stamp() if stamp is None else stamp
    cached = _cached
    if cached is not None and cached[0] == stamp:
        return cached[1]
    with _lock:
        versions = (
            PolicyVersion.objects.filter(status=VersionStatus.PUBLISHED)
            .select_related("policy")
            .order_by("policy__category", "policy__slug")
        )
        compiled = tuple(compile_version(v) for v in versions)
        _cached = (stamp, compiled)
    return compiled


def clear_cache() -> None:
    global _cached
    _cached = None
