"""What a signed-in founder sees beyond the results (#15 items 1.Claim and 6): when the results
were last matched, what changed since the last visit (from the MatchChange events, design §13),
and what was recorded about each line's application (design §14)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from policy_match.digest import yuan
from policy_match.models import Application
from policy_match.notices import change_kind
from policy_match.selectors import match_changes

from .cards import subject_label

MAX_CHANGES = 20  # the newest; the digest e-mails carry the rest


def changes_since(*, enterprise: Enterprise, language: str) -> list[dict[str, Any]]:
    """Gained, lost and amount changes since the owner last saw the results (none on the
    first visit: everything is new then, and the results themselves say it)."""
    seen = enterprise.changes_seen_at
    if seen is None:
        return []
    events = match_changes(enterprise=enterprise).filter(at__gt=seen)
    events = events.select_related("policy__current_version")[: MAX_CHANGES * 2]
    items: list[dict[str, Any]] = []
    for event in events:
        values = {
            "from_status": event.from_status,
            "to_status": event.to_status,
            "from_amount": event.from_amount,
            "to_amount": event.to_amount,
        }
        kind = change_kind(values)
        if kind is None:
            continue
        name = event.policy.current_version.name if event.policy.current_version else ""
        texts = {
            "gained": _("新符合，金额 %(amount)s") % {"amount": yuan(event.to_amount)},
            "lost": _("不再符合"),
            "amount": _("金额由 %(before)s 变为 %(after)s")
            % {"before": yuan(event.from_amount), "after": yuan(event.to_amount)},
        }
        items.append(
            {
                "kind": str(kind),
                "name": name or event.policy.slug,
                "subject": subject_label(event.subject_type, event.subject_ref),
                "text": texts.get(str(kind), ""),
                "at": event.at,
            }
        )
        if len(items) >= MAX_CHANGES:
            break
    return items


def last_matched(enterprise: Enterprise) -> datetime | None:
    return enterprise.matched_at


def applications_of(*, enterprise: Enterprise) -> dict[tuple[str, str], dict[str, Any]]:
    """The recorded status of each line, by (measure slug, subject ref)."""
    found = {}
    for record in Application.objects.filter(enterprise=enterprise).select_related("policy"):
        found[(record.policy.slug, record.subject_ref or "")] = {
            "status": record.status,
            "label": record.get_status_display(),
            "applied_on": record.applied_on,
        }
    return found
