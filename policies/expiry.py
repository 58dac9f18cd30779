"""Deadline reminders for staff (beat, daily).

Versions past their valid_to are no longer retired: they stay published, as the history that
answers an `as_of` in the past (design §13); the daily re-match (policy_match.daily) removes
or replaces their results the day after they end."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import PolicyVersion, VersionStatus

logger = logging.getLogger(__name__)

PUBLISHER_GROUP = "publisher"


@dataclass(frozen=True)
class Deadline:
    slug: str
    name: str
    kind: str  # "valid_to" (the measure ends) or "apply_closes" (the application window ends)
    on: date
    days_left: int


def policy_deadlines_upcoming(*, today: date, within_days: int) -> list[Deadline]:
    """Published versions whose valid_to or apply_closes falls in [today, today + within_days]."""
    until = today + timedelta(days=within_days)
    versions = (
        PolicyVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .filter(Q(valid_to__range=(today, until)) | Q(apply_closes__range=(today, until)))
        .select_related("policy")
    )
    deadlines = []
    for version in versions:
        for kind, on in (("apply_closes", version.apply_closes), ("valid_to", version.valid_to)):
            if on is not None and today <= on <= until:
                deadlines.append(
                    Deadline(version.policy.slug, version.name, kind, on, (on - today).days)
                )
    return sorted(deadlines, key=lambda d: (d.on, d.slug, d.kind))


def policy_deadlines_remind(
    *, today: date | None = None, within_days: int | None = None
) -> list[Deadline]:
    """Log and e-mail staff (publishers, superusers) the deadlines of the next days."""
    today = today or timezone.localdate()
    if within_days is None:
        within_days = settings.POLICY_DEADLINE_REMINDER_DAYS
    deadlines = policy_deadlines_upcoming(today=today, within_days=within_days)
    if not deadlines:
        return []
    for deadline in deadlines:
        logger.warning(
            "deadline in %d days: %s %s %s",
            deadline.days_left,
            deadline.slug,
            deadline.kind,
            deadline.on.isoformat(),
            extra={
                "policy": deadline.slug,
                "deadline": deadline.kind,
                "days_left": deadline.days_left,
            },
        )
    recipients = _staff_emails()
    if recipients:
        subject, body = _reminder_text(deadlines, within_days)
        # One message each, so staff do not see one another's addresses.
        sent = send_mass_mail(
            [(subject, body, settings.DEFAULT_FROM_EMAIL, [to]) for to in recipients]
        )
        logger.info("sent %d deadline reminders", sent)
    else:
        logger.warning("no publisher or superuser with an e-mail address to remind")
    return deadlines


def _staff_emails() -> list[str]:
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    users = users.filter(Q(is_superuser=True) | Q(groups__name=PUBLISHER_GROUP))
    return sorted(set(users.values_list("email", flat=True)))


def _reminder_text(deadlines: list[Deadline], within_days: int) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        labels = {"valid_to": _("政策截止"), "apply_closes": _("申报截止")}
        subject = _("%(count)d 项政策将在 %(days)d 天内截止") % {
            "count": len({d.slug for d in deadlines}),
            "days": within_days,
        }
        lines = [
            _("%(on)s（%(days_left)d 天后）%(kind)s：%(name)s [%(slug)s]")
            % {
                "on": d.on.isoformat(),
                "days_left": d.days_left,
                "kind": labels[d.kind],
                "name": d.name,
                "slug": d.slug,
            }
            for d in deadlines
        ]
    return subject, "\n".join(lines) + "\n"
