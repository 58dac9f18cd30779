"""Dashboard numbers per measure, from the stored matches, aggregated in SQL.

Per enterprise and measure, the lines (one per person or loan for those measures) are summed
and, where the catalogue caps the enterprise's total (`cap_scope: enterprise`, per value of
`cap_per` where given), capped; an enterprise counts as eligible for a measure when any of its
lines is eligible, as undetermined when none is eligible and some are undetermined. The grand
total counts each 不重复享受 group once per enterprise, at its best measure, as the match
report does.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection

from enterprises.models import Enterprise, Loan, Person
from policies.models import Policy, PolicyStatus, PolicyVersion

from ..models import Match
from ..rules import FACTS, Subject

ZERO = Decimal("0.00")


def _cap_key(cap_pers: list[str]) -> tuple[str, str]:
    """SQL for the value a line's enterprise cap is counted per (`cap_per`), and its joins."""
    cases = []
    for name in cap_pers:
        fact = FACTS.get(name)
        if fact is None or fact.derived or fact.subject is Subject.ENTERPRISE:
            continue  # only registry facts of a person or loan: never text from elsewhere
        alias = "l" if fact.subject is Subject.LOAN else "p"
        cases.append(f"WHEN v.cap_per = '{name}' THEN CAST({alias}.{name} AS TEXT)")
    if not cases:
        return "", ""
    joins = (
        f" LEFT JOIN {Loan._meta.db_table} l ON m.subject_type = 'loan' AND l.id = m.subject_id"
        f" LEFT JOIN {Person._meta.db_table} p"
        " ON m.subject_type = 'person' AND p.id = m.subject_id"
    )
    return f", CASE {' '.join(cases)} ELSE '' END", joins


def dashboard_sql(cap_pers: list[str]) -> str:
    """One query: a row per measure, then (policy_id NULL) the grand total.

    `per` has one row per enterprise and measure: eligible or not, and its money with the
    enterprise caps applied. The total counts, per enterprise and 不重复享受 group, only the
    best measure (a measure without a group is its own group, keyed by its policy id).
    """
    key, joins = _cap_key(cap_pers)
    return f"""
WITH lines AS (
  SELECT m.enterprise_id, m.policy_id,
         MAX(CASE WHEN m.status = 'eligible' THEN 1 ELSE 0 END) AS eligible,
         SUM(CASE WHEN m.status = 'eligible' THEN m.amount END) AS eligible_amount,
         SUM(CASE WHEN m.status = 'undetermined' THEN m.amount END) AS open_amount,
         MAX(v.cap) AS cap, MAX(v.cap_scope) AS cap_scope, MAX(v.exclusive_group) AS grp
  FROM {Match._meta.db_table} m
  JOIN {PolicyVersion._meta.db_table} v ON v.id = m.version_id{joins}
  WHERE m.status IN ('eligible', 'undetermined')
  GROUP BY m.enterprise_id, m.policy_id{key}
), per AS (
  SELECT enterprise_id, policy_id, MAX(eligible) AS eligible, MAX(grp) AS grp,
         SUM(CASE WHEN cap_scope = 'enterprise' AND cap IS NOT NULL AND eligible_amount > cap
                  THEN cap ELSE eligible_amount END) AS eligible_amount,
         SUM(CASE WHEN cap_scope = 'enterprise' AND cap IS NOT NULL AND open_amount > cap
                  THEN cap ELSE open_amount END) AS open_amount
  FROM lines GROUP BY enterprise_id, policy_id
)
SELECT policy_id, SUM(eligible), SUM(1 - eligible),
       SUM(CASE WHEN eligible = 1 THEN eligible_amount END),
       SUM(CASE WHEN eligible = 0 THEN open_amount END)
FROM per GROUP BY policy_id
UNION ALL
SELECT NULL, COUNT(DISTINCT enterprise_id), 0, SUM(best), NULL FROM (
  SELECT enterprise_id, MAX(eligible_amount) AS best
  FROM per WHERE eligible = 1
  GROUP BY enterprise_id, grp, CASE WHEN grp = '' THEN policy_id ELSE 0 END
) AS best_per_group
"""


def _money(value: Any) -> Decimal:
    # SQLite sums decimals as floats: back to yuan and fen.
    return ZERO if value is None else Decimal(str(value)).quantize(ZERO)


@dataclass(frozen=True)
class MeasureRow:
    policy: Policy
    eligible: int
    undetermined: int
    amount: Decimal
    open_amount: Decimal


@dataclass(frozen=True)
class Dashboard:
    enterprises: int
    enterprises_eligible: int
    total_amount: Decimal
    rows: list[MeasureRow]


def dashboard() -> Dashboard:
    """Counts and money per published measure, under-used measures first."""
    cap_pers = sorted(
        set(PolicyVersion.objects.exclude(cap_per="").values_list("cap_per", flat=True).distinct())
    )
    with connection.cursor() as cursor:
        cursor.execute(dashboard_sql(cap_pers))
        stats = {row[0]: row[1:] for row in cursor.fetchall()}
    with_any, _zero, total, _none = stats.pop(None, (0, 0, None, None))
    policies = Policy.objects.filter(status=PolicyStatus.PUBLISHED).select_related(
        "current_version"
    )
    rows = []
    for policy in policies:
        eligible, undetermined, amount, open_amount = stats.get(policy.pk, (0, 0, None, None))
        rows.append(
            MeasureRow(
                policy=policy,
                eligible=int(eligible or 0),
                undetermined=int(undetermined or 0),
                amount=_money(amount),
                open_amount=_money(open_amount),
            )
        )
    rows.sort(key=lambda r: (r.eligible, r.undetermined, r.policy.slug))
    return Dashboard(
        enterprises=Enterprise.objects.count(),
        enterprises_eligible=int(with_any or 0),
        total_amount=_money(total),
        rows=rows,
    )
