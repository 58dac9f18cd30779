"""#16.2 and #16.3: application records (transitions, checks, history) and take-up figures
on a data set whose answers are known."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from enterprises.models import Enterprise
from policy_match.applications import (
    ApplicationConflict,
    ApplicationError,
    application_history,
    application_line,
    application_save,
)
from policy_match.models import Application, Match, TakeUp
from policy_match.takeup import enterprise_opportunities, takeup_list, takeup_refresh
from tests.factories import UserFactory

from .conftest import AS_OF, ROBOTICS, store

pytestmark = pytest.mark.django_db
MASTER = "talent-living-subsidy-master"
PERSON = {"ref": "p1", "degree": "master", "born_on": "1998-05-01", "hukou_city": "shenzhen",
          "hukou_district": "nanshan", "hukou_transferred_on": "2026-06-01"}  # fmt: skip
TODAY = date(2026, 12, 1)


def _robotics(name: str) -> Enterprise:
    return store(name, {**ROBOTICS, "registered_on": "2025-03-01"}, [PERSON])


def _save(enterprise: Enterprise, status: str, **values: object) -> Application:
    line = application_line(enterprise=enterprise, policy_slug=MASTER, subject_ref="p1")
    application, _created = application_save(
        enterprise=enterprise, line=line, status=status, values=values, by=None, today=TODAY
    )
    return application


def test_a_line_goes_applied_awarded_paid_keeping_each_value_and_its_history(
    catalogue: None,
) -> None:
    enterprise = _robotics("机器人")
    _save(enterprise, "applied", applied_on=date(2026, 10, 8))
    _save(enterprise, "awarded", awarded_amount="50000")
    paid = _save(enterprise, "paid", paid_amount="50000.00", paid_on=date(2026, 11, 20))

    assert (paid.status, paid.applied_on, paid.awarded_amount, paid.paid_amount) == (
        "paid", date(2026, 10, 8), Decimal("50000.00"), Decimal("50000.00"),
    )  # fmt: skip
    history = application_history(application=paid)
    assert [state["status"] for state in history] == ["paid", "awarded", "applied"]
    assert history[-1]["awarded_amount"] is None and history[0]["by"] == "partner"
    with pytest.raises(ApplicationConflict) as refused:  # paid is final
        _save(enterprise, "applied", applied_on=date(2026, 11, 1))
    assert set(refused.value.errors) == {"status"}


def test_a_rejected_line_may_be_applied_for_again_and_loses_its_reason(catalogue: None) -> None:
    enterprise = _robotics("机器人")
    _save(enterprise, "applied", applied_on=date(2026, 10, 8))
    rejected = _save(enterprise, "rejected", reason="材料不全")
    assert (rejected.reason, rejected.applied_on) == ("材料不全", date(2026, 10, 8))
    again = _save(enterprise, "applied", applied_on=date(2026, 11, 2))
    assert (again.status, again.reason, again.applied_on) == ("applied", "", date(2026, 11, 2))


@pytest.mark.parametrize(
    ("status", "values", "field"),
    [
        ("applied", {}, "applied_on"),
        ("applied", {"applied_on": date(2026, 12, 2)}, "applied_on"),  # after today
        ("applied", {"applied_on": date(1999, 12, 31)}, "applied_on"),
        ("applied", {"applied_on": date(2026, 10, 1), "paid_amount": "5"}, "paid_amount"),
        ("awarded", {"awarded_amount": "0"}, "awarded_amount"),
        ("awarded", {"awarded_amount": "1.005"}, "awarded_amount"),
        ("awarded", {"awarded_amount": "NaN"}, "awarded_amount"),
        (
            "paid",
            {"paid_amount": "10", "paid_on": date(2026, 9, 1), "applied_on": date(2026, 10, 1)},
            "paid_on",
        ),
        ("rejected", {"reason": "   "}, "reason"),
        ("rejected", {"reason": "不\n全"}, "reason"),
    ],
)
def test_it_refuses_what_a_status_does_not_allow_naming_the_field(
    catalogue: None, status: str, values: dict[str, object], field: str
) -> None:
    enterprise = _robotics("机器人")
    with pytest.raises(ApplicationError) as refused:
        _save(enterprise, status, **values)
    assert field in refused.value.errors
    assert not Application.objects.exists()


def test_the_line_must_be_a_published_measure_and_a_subject_of_its_kind(catalogue: None) -> None:
    enterprise = _robotics("机器人")
    cases = [
        ({"policy_slug": "no-such-measure", "subject_ref": None}, "policy"),
        ({"policy_slug": MASTER, "subject_ref": None}, "subject"),
        ({"policy_slug": MASTER, "subject_ref": "p9"}, "subject"),
        ({"policy_slug": "joint-incubation", "subject_ref": "p1"}, "subject"),
    ]
    for arguments, field in cases:
        with pytest.raises(ApplicationError) as refused:
            application_line(enterprise=enterprise, **arguments)  # type: ignore[arg-type]
        assert set(refused.value.errors) == {field}


def test_history_names_the_owner_and_staff(catalogue: None) -> None:
    owner, staff = UserFactory(), UserFactory(is_staff=True)
    enterprise = _robotics("机器人")
    Enterprise.objects.filter(pk=enterprise.pk).update(owner=owner)
    enterprise.refresh_from_db()
    line = application_line(enterprise=enterprise, policy_slug=MASTER, subject_ref="p1")
    for by, status, values in [
        (owner, "applied", {"applied_on": date(2026, 10, 1)}),
        (staff, "awarded", {"awarded_amount": "40000"}),
    ]:
        application_save(enterprise=enterprise, line=line, status=status, values=values, by=by,
                         today=TODAY)  # fmt: skip
    application = Application.objects.get()
    assert [s["by"] for s in application_history(application=application)] == ["staff", "owner"]


def test_take_up_counts_eligible_applied_awarded_paid_and_unclaimed_money(catalogue: None) -> None:
    """Five enterprises eligible for the master's subsidy (50,000 yuan each): one applied,
    one awarded 40,000, one paid 50,000, one rejected, one did nothing. Unclaimed: one line,
    50,000 yuan."""
    enterprises = [_robotics(f"机器人{i}") for i in range(5)]
    # Not eligible: not counted.
    store("福田", {"registered_district": "futian"}, [PERSON])
    applied = ("applied", {"applied_on": date(2026, 10, 1)})
    steps = {
        0: [applied],
        1: [applied, ("awarded", {"awarded_amount": "40000"})],
        2: [("paid", {"paid_amount": "50000", "paid_on": date(2026, 11, 1)})],
        3: [applied, ("rejected", {"reason": "名额已满"})],
    }  # fmt: skip
    for index, states in steps.items():
        for status, values in states:
            _save(enterprises[index], status, **values)

    takeup_refresh()

    row = TakeUp.objects.get(policy__slug=MASTER)
    eligible = Match.objects.filter(policy__slug=MASTER, status="eligible").count()
    assert eligible == 5
    assert (row.eligible, row.applied, row.awarded, row.paid, row.rejected) == (5, 4, 2, 1, 1)
    assert (row.awarded_amount, row.paid_amount) == (Decimal("40000.00"), Decimal("50000.00"))
    assert (row.unclaimed, row.unclaimed_amount) == (1, Decimal("50000.00"))
    assert takeup_list().count() == TakeUp.objects.count() > 30

    open_lines = enterprise_opportunities(enterprise=enterprises[4], as_of=AS_OF)
    statuses = [o.match.status for o in open_lines]
    assert MASTER in [o.match.policy.slug for o in open_lines]
    assert statuses == sorted(statuses)  # eligible before undetermined
    assert MASTER not in [
        o.match.policy.slug
        for o in enterprise_opportunities(enterprise=enterprises[0], as_of=AS_OF)
    ]
