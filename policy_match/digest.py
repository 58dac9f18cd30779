"""The daily digest (design §14): each owner's unsent notices in one e-mail, in the language
they use the site in, with the amounts and a link to each measure; at most one a day, and the
kinds they turned off are dropped. A line that changed twice since the last digest is told
once, as it is now."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Preferences
from policies.models import PolicyVersion

from .models import Notice, NoticeKind

logger = logging.getLogger(__name__)

CHANGES = (NoticeKind.GAINED, NoticeKind.LOST, NoticeKind.AMOUNT)
# Which preference turns which kind off (accounts.Preferences).
SWITCHES = {
    NoticeKind.GAINED: "notify_gained",
    NoticeKind.LOST: "notify_lost",
    NoticeKind.AMOUNT: "notify_amount",
    NoticeKind.OPENING: "notify_windows",
    NoticeKind.CLOSING: "notify_windows",
}


@dataclass(frozen=True)
class Item:
    kind: str
    enterprise: str
    measure: str
    subject: str
    text: str
    url: str


def yuan(amount: Decimal | None) -> str:
    if amount is None:
        return _("金额待定")
    number = f"{amount:,.2f}".removesuffix(".00")
    return _("%(number)s 元") % {"number": number}


def _text(notice: Notice, today: date) -> str:
    amount = notice.amount_after
    if notice.kind == NoticeKind.GAINED:
        if amount is None:
            return _("现在符合这项政策")
        return _("现在符合这项政策，最高 %(amount)s") % {"amount": yuan(amount)}
    if notice.kind == NoticeKind.LOST:
        if notice.amount_before is None:
            return _("不再符合：打开结果页查看原因")
        return _("不再符合（此前最高 %(amount)s）：打开结果页查看原因") % {
            "amount": yuan(notice.amount_before)
        }
    if notice.kind == NoticeKind.AMOUNT:
        return _("金额变化：%(before)s → %(after)s") % {
            "before": yuan(notice.amount_before),
            "after": yuan(amount),
        }
    assert notice.on is not None
    on = notice.on.isoformat()
    if notice.kind == NoticeKind.OPENING:
        if amount is None:
            return _("已于 %(on)s 开始申报，您尚未申报") % {"on": on}
        return _("已于 %(on)s 开始申报，您尚未申报（最高 %(amount)s）") % {
            "on": on,
            "amount": yuan(amount),
        }
    days = max((notice.on - today).days, 0)
    left = ngettext("还有 %(days)s 天", "还有 %(days)s 天", days) % {"days": days}
    if amount is None:
        return _("申报将于 %(on)s 截止（%(left)s），您尚未申报") % {"on": on, "left": left}
    return _("申报将于 %(on)s 截止（%(left)s），您尚未申报（最高 %(amount)s）") % {
        "on": on,
        "left": left,
        "amount": yuan(amount),
    }


def _names(notices: list[Notice]) -> dict[int, str]:
    ids = {n.policy.current_version_id for n in notices if n.policy.current_version_id}
    return {v.pk: v.name for v in PolicyVersion.objects.filter(pk__in=ids)}


def _latest_per_line(notices: list[Notice]) -> tuple[list[Notice], list[Notice]]:
    """(told, superseded): of a line's change notices only the newest is told."""
    told: dict[tuple[object, ...], Notice] = {}
    rest = []
    for notice in sorted(notices, key=lambda n: (n.created_at, n.pk)):
        line: tuple[object, ...]
        if notice.kind in CHANGES:
            line = ("change", notice.enterprise_id, notice.policy_id, notice.subject_ref)
        else:
            line = (notice.key,)
        if line in told:
            rest.append(told[line])
        told[line] = notice
    return list(told.values()), rest


def _day_start(today: date) -> datetime:
    return timezone.make_aware(datetime.combine(today, time.min))


def digest_send_one(*, user_id: int, today: date, now: datetime) -> bool:
    """Send `user_id` their digest if they have anything new and none went out today."""
    with transaction.atomic():
        start = _day_start(today)
        already = Notice.objects.filter(
            user_id=user_id, sent_at__gte=start, sent_at__lt=start + timedelta(days=1)
        )
        if already.exists():
            return False
        pending = list(
            Notice.objects.select_for_update(skip_locked=True)
            .filter(user_id=user_id, sent_at__isnull=True)
            .select_related("user", "enterprise", "policy")
        )
        if not pending:
            return False
        user = pending[0].user
        preferences = Preferences.objects.filter(user_id=user_id).first() or Preferences()
        off = [n.pk for n in pending if not getattr(preferences, SWITCHES[NoticeKind(n.kind)])]
        Notice.objects.filter(pk__in=off).delete()  # turned off: never told
        told, superseded = _latest_per_line([n for n in pending if n.pk not in off])
        if told and user.is_active and user.email:
            _send(user.email, preferences.language, told, today)
        Notice.objects.filter(pk__in=[n.pk for n in told + superseded]).update(sent_at=now)
    return bool(told)


def _send(email: str, language: str, notices: list[Notice], today: date) -> None:
    with translation.override(language):
        names = _names(notices)
        items = [
            Item(
                kind=str(NoticeKind(n.kind).label),
                enterprise=n.enterprise.name_en if language == "en" and n.enterprise.name_en
                else n.enterprise.name,
                measure=names.get(n.policy.current_version_id or 0, n.policy.slug),
                subject=n.subject_ref,
                text=_text(n, today),
                url=settings.SITE_URL + reverse("pages:measure", args=[n.policy.slug]),
            )
            for n in sorted(notices, key=lambda n: (n.enterprise_id, n.kind, n.policy.slug))
        ]  # fmt: skip
        context = {
            "items": items,
            "results_url": settings.SITE_URL + reverse("pages:results"),
            "settings_url": settings.SITE_URL + reverse("pages:notifications"),
            "today": today,
        }
        count = len(items)
        subject = ngettext(
            "南山惠企政策匹配：%(count)s 条新消息", "南山惠企政策匹配：%(count)s 条新消息", count
        ) % {"count": count}
        text = render_to_string("emails/digest.txt", context)
        html = render_to_string("emails/digest.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [email])
    message.attach_alternative(html, "text/html")
    message.send()


def digest_send(*, today: date, now: datetime) -> int:
    """Every owner's digest for `today`; returns how many e-mails went out. A failing address
    is logged and its notices wait for the next day's run."""
    sent = 0
    users = (
        Notice.objects.filter(sent_at__isnull=True)
        .values_list("user_id", flat=True)
        .distinct()
        .order_by("user_id")
    )
    for user_id in list(users):
        try:
            sent += digest_send_one(user_id=user_id, today=today, now=now)
        except OSError:
            logger.exception("digest for user %s not sent", user_id)
    return sent
