"""A working office for the demo (`make run`): every demo enterprise matched, with its change
events, a few applications in each state, and take-up computed, so that a new staff member
sees the dashboard, an enterprise's page and the take-up agree on real-looking figures.

Run again, it changes nothing that is already there: matching writes only what changed and a
line that has an application is left alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from enterprises.models import Enterprise

from .applications import APPLIED, AWARDED, PAID, application_line, application_save
from .dashboard_stats import dashboard_stats_refresh
from .models import Application, Match, MatchStatus
from .services import match_enterprise
from .takeup import takeup_refresh

# Every other enterprise has applied for its best eligible line; of those, one line moves on
# to awarded and one to paid: the states a desk sees in a week.
_STATES = (PAID, AWARDED, APPLIED)


@dataclass(frozen=True)
class DemoOffice:
    matched: int
    changes: int
    applications: int


def demo_office_prepare(*, enterprises: Iterable[Enterprise], today: date) -> DemoOffice:
    """Match the enterprises as of `today`, record a few applications, refresh take-up."""
    matched = changes = recorded = 0
    chosen = list(enterprises)
    for enterprise in chosen:
        result = match_enterprise(enterprise=enterprise, as_of=today)
        matched += 1
        changes += len(result.changes)
    for position, enterprise in enumerate(chosen[::2]):
        best = (
            Match.objects.filter(enterprise=enterprise, status=MatchStatus.ELIGIBLE, amount__gt=0)
            .select_related("policy")
            .order_by("-amount", "policy__slug")
            .first()
        )
        if (
            best is None
            or Application.objects.filter(
                enterprise=enterprise, policy=best.policy, subject_id=best.subject_id
            ).exists()
        ):
            continue
        state = _STATES[position] if position < len(_STATES) else APPLIED
        line = application_line(
            enterprise=enterprise,
            policy_slug=best.policy.slug,
            subject_ref=best.subject_ref or None,
        )
        values: dict[str, object] = {"applied_on": today - timedelta(days=40)}
        if state in (AWARDED, PAID):
            values["awarded_amount"] = best.amount
        if state == PAID:
            values.update(paid_amount=best.amount, paid_on=today - timedelta(days=5))
        application_save(
            enterprise=enterprise, line=line, status=state, values=values, by=None, today=today
        )
        recorded += 1
    takeup_refresh()
    dashboard_stats_refresh()
    return DemoOffice(matched=matched, changes=changes, applications=recorded)
