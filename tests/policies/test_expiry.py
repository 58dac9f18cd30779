from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.utils import timezone

from policies.expiry import (
    PUBLISHER_GROUP,
    policy_deadlines_remind,
    policy_versions_retire_expired,
)
from policies.models import (
    BenefitKind,
    BenefitUnit,
    Policy,
    PolicyStatus,
    PolicyVersion,
    SubjectType,
    VersionStatus,
)
from policies.tasks import policy_versions_retire_expired as retire_task
from policy_match import tasks as match_tasks

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)


def _version(
    slug: str,
    *,
    status: str = VersionStatus.PUBLISHED,
    valid_to: date | None = None,
    apply_closes: date | None = None,
) -> PolicyVersion:
    policy, _ = Policy.objects.get_or_create(
        slug=slug, defaults={"category": "funding", "subject": SubjectType.ENTERPRISE}
    )
    version = PolicyVersion.objects.create(
        policy=policy,
        number=policy.versions.count() + 1,
        status=status,
        name=f"{slug} 名称",
        rule={"fact": "registered_district", "op": "eq", "value": "nanshan"},
        benefit_kind=BenefitKind.GRANT,
        unit=BenefitUnit.PER_ENTERPRISE,
        valid_to=valid_to,
        apply_closes=apply_closes,
    )
    if status == VersionStatus.PUBLISHED:
        policy.status, policy.current_version = PolicyStatus.PUBLISHED, version
        policy.save()
    return version


def _status(version: PolicyVersion) -> str:
    version.refresh_from_db()
    return version.status


def test_it_retires_a_published_version_past_valid_to_and_leaves_the_others() -> None:
    expired = _version("expired", valid_to=TODAY - timedelta(days=1))
    last_day = _version("last-day", valid_to=TODAY)
    open_ended = _version("open-ended")
    draft = _version("draft-only", status=VersionStatus.DRAFT, valid_to=TODAY - timedelta(days=9))

    retired = policy_versions_retire_expired(today=TODAY)

    assert retired == ["expired"]
    assert _status(expired) == VersionStatus.RETIRED
    assert [_status(v) for v in (last_day, open_ended, draft)] == [
        VersionStatus.PUBLISHED,
        VersionStatus.PUBLISHED,
        VersionStatus.DRAFT,
    ]
    expired.policy.refresh_from_db()
    assert expired.policy.status == PolicyStatus.RETIRED
    assert expired.policy.current_version is None
    last_day.policy.refresh_from_db()
    assert last_day.policy.current_version == last_day


def test_it_retires_nothing_the_second_time() -> None:
    expired = _version("expired", valid_to=TODAY - timedelta(days=1))
    policy_versions_retire_expired(today=TODAY)
    history = (expired.policy.history.count(), expired.history.count())  # type: ignore[attr-defined]

    retired_again = policy_versions_retire_expired(today=TODAY)

    assert retired_again == []
    assert (expired.policy.history.count(), expired.history.count()) == history  # type: ignore[attr-defined]


def test_it_records_why_the_version_was_retired() -> None:
    expired = _version("expired", valid_to=date(2026, 6, 30))

    policy_versions_retire_expired(today=TODAY)

    latest = expired.history.first()  # type: ignore[attr-defined]
    assert latest.status == VersionStatus.RETIRED
    assert latest.history_change_reason == "valid_to 2026-06-30 passed"


def test_it_counts_days_in_shanghai_by_default() -> None:
    today = timezone.localdate()  # Asia/Shanghai, whatever the server's clock zone
    yesterday = _version("ended-yesterday", valid_to=today - timedelta(days=1))
    ends_today = _version("ends-today", valid_to=today)

    retired = retire_task.apply().get()

    assert retired == ["ended-yesterday"]
    assert _status(yesterday) == VersionStatus.RETIRED
    assert _status(ends_today) == VersionStatus.PUBLISHED


def test_it_enqueues_a_rematch_of_each_retired_policy_after_commit(
    django_capture_on_commit_callbacks,
) -> None:
    expired = _version("expired", valid_to=TODAY - timedelta(days=1))
    _version("current", valid_to=TODAY + timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        policy_versions_retire_expired(today=TODAY)

    if not hasattr(match_tasks, "rematch_policy"):
        assert callbacks == []
        return
    assert len(callbacks) == 1
    assert callbacks[0].func == match_tasks.rematch_policy.delay  # type: ignore[attr-defined]
    assert callbacks[0].args == (expired.policy_id,)  # type: ignore[attr-defined]


def test_it_lists_the_deadlines_within_30_days() -> None:
    _version("ends-in-10", valid_to=TODAY + timedelta(days=10))
    _version("closes-in-30", apply_closes=TODAY + timedelta(days=30))
    _version("both-today", valid_to=TODAY, apply_closes=TODAY)
    _version("ends-in-31", valid_to=TODAY + timedelta(days=31))
    _version("closed-yesterday", apply_closes=TODAY - timedelta(days=1))
    _version("draft-soon", status=VersionStatus.DRAFT, valid_to=TODAY + timedelta(days=5))

    deadlines = policy_deadlines_remind(today=TODAY, within_days=30)

    assert [(d.slug, d.kind, d.days_left) for d in deadlines] == [
        ("both-today", "apply_closes", 0),
        ("both-today", "valid_to", 0),
        ("ends-in-10", "valid_to", 10),
        ("closes-in-30", "apply_closes", 30),
    ]


def test_it_emails_the_deadlines_to_publishers_and_superusers() -> None:
    _version("ends-in-10", valid_to=TODAY + timedelta(days=10))
    publishers = Group.objects.create(name=PUBLISHER_GROUP)
    publisher = User.objects.create_user("pub", "pub@example.com", "pw-long-enough-1")
    publisher.groups.add(publishers)
    User.objects.create_superuser("root", "root@example.com", "pw-long-enough-1")
    User.objects.create_user("staff", "staff@example.com", "pw-long-enough-1", is_staff=True)
    gone = User.objects.create_user("gone", "gone@example.com", "pw", is_active=False)
    gone.groups.add(publishers)

    policy_deadlines_remind(today=TODAY, within_days=30)

    assert sorted(m.to[0] for m in mail.outbox) == ["pub@example.com", "root@example.com"]
    assert all(len(m.to) == 1 for m in mail.outbox)
    body = mail.outbox[0].body
    assert "ends-in-10" in body
    assert "2026-12-03" in body


def test_it_sends_nothing_when_no_deadline_is_near() -> None:
    _version("ends-in-60", valid_to=TODAY + timedelta(days=60))
    User.objects.create_superuser("root", "root@example.com", "pw-long-enough-1")

    deadlines = policy_deadlines_remind(today=TODAY, within_days=30)

    assert deadlines == []
    assert mail.outbox == []
