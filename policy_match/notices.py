"""What a startup's owner is told (design §14): a measure newly eligible, no longer eligible, an
amount changed (from the change events), a window opening, a window closing in 14 and in 3
days (for lines eligible or undetermined and not applied for). Each notice is made once (its
key is unique) and sent in the owner's next daily digest (policy_match.digest).

Changes the owner made themselves (a profile saved on the pages) are not told back: the
results page showed them at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef

from enterprises.models import Enterprise
from policies.models import ApplyWindow, PolicyStatus, PolicyVersion, VersionStatus
from policies.versions import in_force_q

from .models import (
    Application,
    ChangeCause,
    Match,
    MatchChange,
    MatchStatus,
    Notice,
    NoticeKind,
)
from .outbox import outbox_read
from .windows import window_of

ELIGIBLE = MatchStatus.ELIGIBLE
# Days before the closing date a reminder goes out; a missed day (no beat that day) is made
# up the next day, as long as the window is open.
REMINDER_DAYS = (14, 3)
# An opening is told within this many days of the date (a missed day is made up).
OPENING_GRACE_DAYS = 3


def change_kind(change: Mapping[str, Any]) -> str | None:
    """The notice a change event gives, if any (undetermined ↔ ineligible gives none)."""
    before, after = change["from_status"], change["to_status"]
    if after == ELIGIBLE and before != ELIGIBLE:
        return NoticeKind.GAINED
    if before == ELIGIBLE and after != ELIGIBLE:
        return NoticeKind.LOST
    if before == after == ELIGIBLE and change["from_amount"] != change["to_amount"]:
        return NoticeKind.AMOUNT
    return None


def _from_changes(after: int, last: int) -> int:
    changes = (
        MatchChange.objects.filter(id__gt=after, id__lte=last, enterprise__owner__isnull=False)
        .exclude(cause=ChangeCause.PROFILE)
        .values(
            "id", "enterprise_id", "enterprise__owner_id", "policy_id", "subject_ref",
            "from_status", "to_status", "from_amount", "to_amount",
        )
    )  # fmt: skip
    notices = []
    for change in changes:
        kind = change_kind(change)
        if kind is None:
            continue
        notices.append(
            Notice(
                user_id=change["enterprise__owner_id"],
                enterprise_id=change["enterprise_id"],
                policy_id=change["policy_id"],
                kind=kind,
                key=f"change:{change['id']}",
                subject_ref=change["subject_ref"],
                amount_before=change["from_amount"],
                amount_after=change["to_amount"],
            )
        )
    Notice.objects.bulk_create(notices, ignore_conflicts=True)
    return len(notices)


def notices_collect(*, now: datetime) -> int:
    """Turn the change events not read yet into notices; returns how many were made."""
    return outbox_read(name="notices", handle=_from_changes, now=now)


@dataclass(frozen=True)
class Moment:
    """A day of a measure's window worth telling: it opened, or it closes in `days` days."""

    version: PolicyVersion
    kind: str  # opening | closing
    on: date  # the opening or closing date
    days: int  # closing: the reminder (14 or 3); opening: 0

    @property
    def key(self) -> str:
        return f"{self.kind}{self.days or ''}:{self.version.policy_id}:{self.on.isoformat()}"


def window_moments(*, as_of: date) -> list[Moment]:
    """Windows of the measures in force on `as_of` that open or close soon: what notices and
    `window.closing` webhooks are made from."""
    versions = (
        PolicyVersion.objects.filter(
            in_force_q(as_of),
            status=VersionStatus.PUBLISHED,
            policy__status=PolicyStatus.PUBLISHED,
            apply_window=ApplyWindow.DATED,
        )
        .select_related("policy")
        .order_by("policy__slug")
    )
    moments = []
    for version in versions:
        window = window_of(version, as_of=as_of)
        if window.state != "open":
            continue
        opens = window.opens
        if opens is not None and (as_of - opens).days < OPENING_GRACE_DAYS:
            moments.append(Moment(version, "opening", opens, 0))
        if window.closes is not None and window.days_left is not None:
            due = [days for days in REMINDER_DAYS if window.days_left <= days]
            if due:  # the nearest reminder due: 3 days left is not also told as 14
                moments.append(Moment(version, "closing", window.closes, min(due)))
    return moments


def open_lines(version: PolicyVersion) -> Any:
    """The stored lines a window is told to: eligible or undetermined, not applied for."""
    applied = Application.objects.filter(
        enterprise_id=OuterRef("enterprise_id"),
        policy_id=OuterRef("policy_id"),
        subject_id=OuterRef("subject_id"),
    )
    return Match.objects.filter(
        policy_id=version.policy_id, status__in=(ELIGIBLE, MatchStatus.UNDETERMINED)
    ).exclude(Exists(applied))


def notices_windows(*, as_of: date) -> int:
    """Notices of windows opening and closing on `as_of`, for owned enterprises' open lines."""
    owned = Enterprise.objects.filter(pk=OuterRef("enterprise_id"), owner__isnull=False)
    made = 0
    for moment in window_moments(as_of=as_of):
        lines = open_lines(moment.version).filter(Exists(owned))
        notices = [
            Notice(
                user_id=owner_id,
                enterprise_id=enterprise_id,
                policy_id=moment.version.policy_id,
                kind=NoticeKind.OPENING if moment.kind == "opening" else NoticeKind.CLOSING,
                key=f"{moment.key}:{enterprise_id}:{subject_id}",
                subject_ref=subject_ref,
                amount_after=amount,
                on=moment.on,
            )
            for enterprise_id, owner_id, subject_id, subject_ref, amount in lines.values_list(
                "enterprise_id", "enterprise__owner_id", "subject_id", "subject_ref", "amount"
            )
        ]
        Notice.objects.bulk_create(notices, ignore_conflicts=True, batch_size=1000)
        made += len(notices)
    return made


def notices_purge(*, now: datetime, keep_days: int = 180) -> int:
    """Forget sent notices after half a year (their keys are only needed while a change
    could be read twice)."""
    deleted, _ = Notice.objects.filter(sent_at__lt=now - timedelta(days=keep_days)).delete()
    return int(deleted)
