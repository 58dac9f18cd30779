"""Webhook events (design §14), each with a stable id and made once (its source key is
unique), and a delivery per endpoint that wants its type:

- match.gained / match.lost / match.amount_changed: from the change events of a partner's
  enterprises (read as an outbox, policy_match.outbox);
- window.closing: 14 and 3 days before a window closes, per enterprise with lines eligible or
  undetermined and not applied for;
- application.updated: each change of an application record.

The envelope is the one Standard Webhooks recommends: {"type", "timestamp", "data"}.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone

from enterprises.models import Enterprise

from ..models import Application, MatchChange, WebhookDelivery, WebhookEndpoint, WebhookEvent
from ..notices import change_kind, open_lines, window_moments
from ..outbox import outbox_read

TYPES = {"gained": "match.gained", "lost": "match.lost", "amount": "match.amount_changed"}


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _enterprise(pk: int, credit_code: str | None) -> dict[str, Any]:
    return {"id": pk, "credit_code": credit_code}


def _subscribed() -> dict[int, list[WebhookEndpoint]]:
    by_partner: dict[int, list[WebhookEndpoint]] = defaultdict(list)
    for endpoint in WebhookEndpoint.objects.filter(is_active=True, partner__is_active=True):
        by_partner[endpoint.partner_id].append(endpoint)
    return by_partner


Event = tuple[str, int, str, dict[str, Any]]  # source key, partner id, type, data
CHUNK = 1000  # events per statement: SQLite allows a few thousand parameters


def _store(events: list[Event], now: datetime) -> int:
    """Store the events not stored yet, and their deliveries; returns how many deliveries
    were made."""
    return sum(_store_chunk(events[i : i + CHUNK], now) for i in range(0, len(events), CHUNK))


def _store_chunk(events: list[Event], now: datetime) -> int:
    if not events:
        return 0
    keys = [key for key, *_ in events]
    known = set(
        WebhookEvent.objects.filter(source_key__in=keys).values_list("source_key", flat=True)
    )
    fresh = [
        WebhookEvent(
            event_id=f"msg_{uuid.uuid4().hex}",
            partner_id=partner_id,
            type=type_,
            payload={"type": type_, "timestamp": now.isoformat(), "data": data},
            source_key=key,
        )
        for key, partner_id, type_, data in events
        if key not in known
    ]
    WebhookEvent.objects.bulk_create(fresh, ignore_conflicts=True)
    stored = WebhookEvent.objects.filter(source_key__in=[e.source_key for e in fresh]).values_list(
        "pk", "partner_id", "type"
    )
    endpoints = _subscribed()
    deliveries = [
        WebhookDelivery(endpoint=endpoint, event_id=pk, next_attempt_at=now)
        for pk, partner_id, type_ in stored
        for endpoint in endpoints.get(partner_id, ())
        if type_ in endpoint.event_types
    ]
    WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True, batch_size=CHUNK)
    return len(deliveries)


def _from_changes(after: int, last: int, now: datetime) -> int:
    partners = list(_subscribed())
    if not partners:
        return 0
    changes = MatchChange.objects.filter(
        id__gt=after, id__lte=last, enterprise__partner_id__in=partners
    ).values(
        "id", "enterprise_id", "enterprise__partner_id", "enterprise__credit_code",
        "policy__slug", "subject_type", "subject_ref", "from_status", "to_status",
        "from_amount", "to_amount", "version_id", "cause", "at",
    )  # fmt: skip
    events = []
    for change in changes:
        kind = change_kind(change)
        if kind is None:
            continue
        data = {
            "enterprise": _enterprise(change["enterprise_id"], change["enterprise__credit_code"]),
            "policy": change["policy__slug"],
            "subject": {"type": change["subject_type"], "ref": change["subject_ref"] or None},
            "from_status": change["from_status"],
            "to_status": change["to_status"],
            "from_amount": _money(change["from_amount"]),
            "to_amount": _money(change["to_amount"]),
            "cause": change["cause"],
            "changed_at": change["at"].isoformat(),
        }
        events.append(
            (f"change:{change['id']}", change["enterprise__partner_id"], TYPES[kind], data)
        )
    return _store(events, now)


def events_dispatch(*, now: datetime) -> int:
    """Make the webhook events of the change events not read yet; returns deliveries made."""
    return outbox_read(
        name="webhooks", handle=lambda after, last: _from_changes(after, last, now), now=now
    )


def events_window_closing(*, as_of: date, now: datetime) -> int:
    """window.closing events for `as_of` (14 and 3 days before a window closes)."""
    endpoints = _subscribed()
    partners = [
        p for p, es in endpoints.items() if any("window.closing" in e.event_types for e in es)
    ]
    if not partners:
        return 0
    partner_of = Enterprise.objects.filter(pk=OuterRef("enterprise_id"), partner_id__in=partners)
    made = 0
    for moment in window_moments(as_of=as_of):
        if moment.kind != "closing":
            continue
        per: dict[int, dict[str, Any]] = {}
        lines = open_lines(moment.version).filter(Exists(partner_of))
        for enterprise_id, partner_id, code, ref, status, amount in lines.values_list(
            "enterprise_id", "enterprise__partner_id", "enterprise__credit_code",
            "subject_ref", "status", "amount",
        ).order_by("enterprise_id", "subject_id"):  # fmt: skip
            entry = per.setdefault(
                enterprise_id,
                {
                    "partner": partner_id,
                    "data": {
                        "enterprise": _enterprise(enterprise_id, code),
                        "policy": moment.version.policy.slug,
                        "closes": moment.on.isoformat(),
                        "days_left": (moment.on - as_of).days,
                        "lines": [],
                    },
                },
            )
            entry["data"]["lines"].append(
                {"subject": ref or None, "status": status, "amount": _money(amount)}
            )
        events = [
            (f"{moment.key}:{pk}", entry["partner"], "window.closing", entry["data"])
            for pk, entry in per.items()
        ]
        made += _store(events, now)
    return made


def event_application(*, application: Application, now: datetime | None = None) -> int:
    """application.updated for the partner of the application's enterprise, if it has one."""
    now = now or timezone.now()
    enterprise = application.enterprise
    if enterprise.partner_id is None:
        return 0
    data = {
        "enterprise": _enterprise(enterprise.pk, enterprise.credit_code),
        "policy": application.policy.slug,
        "application": application.pk,
        "subject": application.subject_ref or None,
        "status": application.status,
        "applied_on": application.applied_on.isoformat() if application.applied_on else None,
        "awarded_amount": _money(application.awarded_amount),
        "paid_amount": _money(application.paid_amount),
        "paid_on": application.paid_on.isoformat() if application.paid_on else None,
        "reason": application.reason or None,
        "updated_at": application.updated_at.isoformat(),
    }
    key = f"application:{application.pk}:{application.updated_at.isoformat()}"
    return _store([(key, enterprise.partner_id, "application.updated", data)], now)
