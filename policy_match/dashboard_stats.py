"""Dashboard figures per measure from the stored matches, aggregated in SQL, kept in the cache.

Per enterprise and measure, the lines (one per person or loan for those measures) are summed
and, where the catalogue caps the enterprise's total (`cap_scope: enterprise`, per value of
`cap_per` where given), capped; an enterprise counts as eligible for a measure when any of its
lines is eligible, as undetermined when none is eligible and some are undetermined. The grand
total counts each 不重复享受 group once per enterprise, at its best measure, as the match
report does.

The aggregate reads every eligible and undetermined match: seconds at 600,000 enterprises. So it
is computed by `dashboard_stats_refresh` (after a demo load, and by the take-up task's
schedule) and the page reads the cached figures with the time they were computed; only a small
database (under SMALL enterprises) is aggregated on the page itself when the cache is empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from enterprises.models import Loan, Person
from policies.models import PolicyVersion

from .models import Match, MatchChange
from .rules import FACTS, Subject

CACHE_KEY = "policy_match:dashboard-stats:v1"
SMALL = 50_000

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
class MeasureStats:
    eligible: int
    undetermined: int
    amount: Decimal
    open_amount: Decimal


@dataclass(frozen=True)
class DashboardStats:
    enterprises_eligible: int
    total_amount: Decimal
    measures: dict[int, MeasureStats]
    computed_at: datetime


def dashboard_stats_compute() -> DashboardStats:
    cap_pers = sorted(
        set(PolicyVersion.objects.exclude(cap_per="").values_list("cap_per", flat=True).distinct())
    )
    with connection.cursor() as cursor:
        cursor.execute(dashboard_sql(cap_pers))
        stats = {row[0]: row[1:] for row in cursor.fetchall()}
    with_any, _zero, total, _none = stats.pop(None, (0, 0, None, None))
    measures = {
        int(policy_id): MeasureStats(
            int(eligible or 0), int(undetermined or 0), _money(amount), _money(open_amount)
        )
        for policy_id, (eligible, undetermined, amount, open_amount) in stats.items()
    }
    return DashboardStats(int(with_any or 0), _money(total), measures, timezone.now())


def _fingerprint() -> tuple[int, int]:
    """Changes since the figures were computed: every change of a status or amount is an
    event (design §13), so the newest event's id moves with them; the count of matches covers
    rows removed without one. Cheap only on a small table, so used only there."""
    last = MatchChange.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return last, Match.objects.count()


def dashboard_stats_refresh() -> DashboardStats:
    """Aggregate now and keep the figures until the next refresh."""
    stats = dashboard_stats_compute()
    cache.set(CACHE_KEY, (_fingerprint(), stats), timeout=None)
    return stats


def dashboard_stats(*, enterprises: int) -> DashboardStats | None:
    """The figures of the last refresh. A small database is aggregated again whenever its
    matches changed since; a large one shows the last refresh (or None before the first)."""
    cached = cache.get(CACHE_KEY)
    stats = cached[1] if isinstance(cached, tuple) and len(cached) == 2 else None
    if enterprises < SMALL and (stats is None or cached[0] != _fingerprint()):
        stats = dashboard_stats_refresh()
    return stats if isinstance(stats, DashboardStats) else None
