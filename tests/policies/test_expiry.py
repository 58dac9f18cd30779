from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail

from policies.expiry import (
    PUBLISHER_GROUP,
    policy_deadlines_remind,
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
