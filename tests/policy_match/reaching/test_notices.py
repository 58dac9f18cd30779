"""#16.4: notices from change events and window dates, one digest per owner per day in the
owner's language, never the same notice twice, each kind can be turned off."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone

from accounts.models import Preferences
from accounts.services import account_language_set
from enterprises.models import Enterprise
from policies.models import Policy, PolicyVersion
from policies.services import policy_publish, policy_version_draft
from policy_match.applications import application_line, application_save
from policy_match.digest import digest_send
from policy_match.models import Notice
from policy_match.notices import notices_collect, notices_windows
from tests.factories import UserFactory

from .conftest import ROBOTICS, store

pytestmark = pytest.mark.django_db
MASTER = "talent-living-subsidy-master"
PERSON = {"ref": "p1", "degree": "master", "born_on": "1998-05-01", "hukou_city": "shenzhen",
          "hukou_district": "nanshan", "hukou_transferred_on": "2026-06-01"}  # fmt: skip
OPENS, CLOSES = date(2026, 12, 10), date(2026, 12, 31)


def _owned(name: str, language: str, **profile: Any) -> Enterprise:
    user = UserFactory(username=f"{name}@example.com", email=f"{name}@example.com")
    account_language_set(user=user, language=language)
    enterprise = store(name, {**ROBOTICS, "registered_on": "2025-03-01", **profile}, [PERSON])
    Enterprise.objects.filter(pk=enterprise.pk).update(owner=user)
    return Enterprise.objects.get(pk=enterprise.pk)


def _at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _day(day: date) -> list[mail.EmailMessage]:
    """One day of the beat: the window notices after midnight, the digest in the morning."""
    sent = len(mail.outbox)
    notices_windows(as_of=day)
    digest_send(today=day, now=_at(day))
    return mail.outbox[sent:]


def test_window_reminders_go_out_on_opening_and_14_and_3_days_before_closing(
    catalogue: None,
) -> None:
    PolicyVersion.objects.filter(policy__slug=MASTER, status="published").update(
        apply_window="dated", apply_opens=OPENS, apply_closes=CLOSES
    )
    english = _owned("en-founder", "en")
    applied = _owned("applied", "zh-hans")
    line = application_line(enterprise=applied, policy_slug=MASTER, subject_ref="p1")
    applied_on = {"applied_on": date(2026, 11, 30)}
    application_save(
        enterprise=applied, line=line, status="applied", values=applied_on, by=None,
        today=date(2026, 12, 1),
    )  # fmt: skip

    told: dict[date, list[mail.EmailMessage]] = {}
    day = date(2026, 12, 8)
    while day <= CLOSES + timedelta(days=1):
        told[day] = _day(day)
        day += timedelta(days=1)

    days = {d: [m.to for m in messages] for d, messages in told.items() if messages}
    assert days == {
        date(2026, 12, 10): [[english.owner.email]],  # opens
        date(2026, 12, 17): [[english.owner.email]],  # 14 days left
        date(2026, 12, 28): [[english.owner.email]],  # 3 days left
    }  # the enterprise that applied hears nothing
    opening, fourteen, three = (told[d][0] for d in sorted(days))
    assert opening.subject == "Nanshan Business Support Finder: 1 new message"
    assert "Applications opened on 2026-12-10; you have not applied yet" in opening.body
    assert (
        "up to 50,000 yuan" in opening.body and "Living subsidy for newly settled" in opening.body
    )
    assert "/en/measures/talent-living-subsidy-master/" in opening.body
    assert "close on 2026-12-31 (in 14 days)" in fourteen.body
    assert "close on 2026-12-31 (in 3 days)" in three.body
    assert "/en/accounts/notifications/" in three.body
    html = three.alternatives[0][0]
    assert 'lang="en"' in html and "&lt;" not in three.subject


def _publish(slug: str, change: Any) -> None:
    publisher = UserFactory(is_staff=True, is_superuser=True)
    version = policy_version_draft(policy=Policy.objects.get(slug=slug), by=publisher)
    change(version)
    version.save()
    with TestCase.captureOnCommitCallbacks(execute=True):
        policy_publish(version=version, by=publisher)


def _cap(amount: int) -> Any:
    def change(version: PolicyVersion) -> None:
        version.cap = amount

    return change


def test_gained_lost_and_amount_changed_each_told_once_in_the_owners_language(
    catalogue: None,
) -> None:
    chinese = _owned("zh-founder", "zh-hans")
    english = _owned("en-founder", "en", registered_district="futian")
    futian_only = {"all": [{"fact": "registered_district", "op": "in", "value": ["futian"]}]}

    def futian(version: PolicyVersion) -> None:
        version.rule = futian_only

    _publish("lifecycle-one-stop-service", futian)  # the Nanshan one loses it, Futian gains it
    _publish(MASTER, _cap(60000))  # the Nanshan one's amount changes
    notices_collect(now=timezone.now())
    notices_collect(now=timezone.now())  # read twice: still one notice per change
    assert Notice.objects.count() == 3

    today = timezone.localdate()
    mail.outbox.clear()
    assert digest_send(today=today, now=timezone.now()) == 2
    by_address = {m.to[0]: m for m in mail.outbox}
    zh, en = by_address[chinese.owner.email], by_address[english.owner.email]
    assert zh.subject == "南山惠企政策匹配：2 条新消息"
    assert "不再符合" in zh.body and "金额变化：50,000 元 → 60,000 元" in zh.body
    assert "/measures/lifecycle-one-stop-service/" in zh.body and "/en/" not in zh.body
    assert en.subject == "Nanshan Business Support Finder: 1 new message"
    assert "Newly eligible · One-stop lifecycle services" in en.body

    assert digest_send(today=today, now=timezone.now()) == 0  # nothing twice
    _publish(MASTER, _cap(70000))
    notices_collect(now=timezone.now())
    assert digest_send(today=today, now=timezone.now()) == 0  # one digest a day
    mail.outbox.clear()
    tomorrow = today + timedelta(days=1)
    assert digest_send(today=tomorrow, now=timezone.now() + timedelta(days=1)) == 1
    assert "60,000 元 → 70,000 元" in mail.outbox[0].body


def test_a_kind_turned_off_is_never_told(catalogue: None) -> None:
    chinese = _owned("zh-founder", "zh-hans")
    Preferences.objects.filter(user=chinese.owner).update(notify_amount=False)
    _publish(MASTER, _cap(60000))
    notices_collect(now=timezone.now())
    assert digest_send(today=timezone.localdate(), now=timezone.now()) == 0
    assert not mail.outbox and not Notice.objects.exists()


def test_a_line_that_changed_twice_is_told_once_as_it_is_now(catalogue: None) -> None:
    _owned("zh-founder", "zh-hans")
    _publish(MASTER, _cap(60000))
    _publish(MASTER, _cap(55000))
    notices_collect(now=timezone.now())
    assert digest_send(today=timezone.localdate(), now=timezone.now()) == 1
    assert "60,000 元 → 55,000 元" in mail.outbox[0].body
    assert "50,000 元 → 60,000 元" not in mail.outbox[0].body
