"""The benchmark's re-publish figure counts the chunks, not the follow-up tasks that an eager
run does inline between them (a real worker does them beside the chunks)."""

from __future__ import annotations

import pytest

from policy_match.benchmark.measures import eager, followups_timed
from policy_match.jobs import EVENTS_DISPATCH, REMATCH_ENTERPRISE, TAKEUP_REFRESH, job_send

pytestmark = pytest.mark.django_db


def test_the_follow_up_tasks_are_timed_each_once_and_nothing_else() -> None:
    with eager(True), followups_timed() as followups:
        job_send(EVENTS_DISPATCH)
        job_send(TAKEUP_REFRESH, [])
        job_send(REMATCH_ENTERPRISE, 1)  # not a follow-up: not counted

    assert len(followups) == 2
    assert all(seconds > 0 for _at, seconds in followups)
    assert followups[0][0] <= followups[1][0]  # when each began, in order

    with eager(True):
        job_send(EVENTS_DISPATCH)  # outside the context: no longer timed
    assert len(followups) == 2
