"""Delivering webhook events: at least once, signed per Standard Webhooks, retried with
exponential backoff for WEBHOOK_RETRY_HOURS; an endpoint that has failed that long is
disabled and its partner told.

An attempt takes a lease on its delivery (next_attempt_at moved past the request's timeout)
and commits before the HTTP request, so that no database transaction waits on a partner's
server and a second worker holding the same task does not send it twice at once; a worker
that dies mid-request leaves a lease that runs out, and the sweeper sends it again.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from standardwebhooks.webhooks import Webhook

from ..models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .endpoints import endpoint_disable
from .transport import Outcome, post

logger = logging.getLogger(__name__)

FIRST_RETRY = timedelta(seconds=5)
LONGEST_WAIT = timedelta(hours=1)
USER_AGENT = "nanshan-policy-match-webhooks/1"


def backoff(attempts: int) -> timedelta:
    """The wait after the n-th failed attempt: 5 s, 10 s, 20 s … doubling, at most an hour
    (about 20 attempts in 24 hours)."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


def _lease() -> timedelta:
    return timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS + 30)


def body_of(payload: dict[str, object]) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _claim(delivery_id: int, now: datetime) -> WebhookDelivery | None:
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint", "event")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .first()
        )
        if delivery is None:
            return None
        delivery.attempts += 1
        delivery.next_attempt_at = now + _lease()
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    return delivery


def delivery_attempt(*, delivery_id: int, now: datetime) -> timedelta | None:
    """Try one delivery if it is due; returns the wait before the next try (None: delivered,
    given up, or not this worker's to send)."""
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return None
    endpoint, event = delivery.endpoint, delivery.event
    if not endpoint.is_active:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, next_attempt_at=None, last_error="endpoint disabled"
        )
        return None
    body = body_of(event.payload)
    signature = Webhook(endpoint.secret).sign(event.event_id, now.astimezone(UTC), body)
    outcome = post(
        endpoint.url,
        body.encode(),
        {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "webhook-id": event.event_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": signature,
        },
    )
    return _record(delivery, outcome, now)


@transaction.atomic
def _record(delivery: WebhookDelivery, outcome: Outcome, now: datetime) -> timedelta | None:
    WebhookAttempt.objects.create(
        delivery=delivery,
        status_code=outcome.status_code,
        error=outcome.error,
        duration_ms=outcome.duration_ms,
    )
    endpoint = delivery.endpoint
    if outcome.ok:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.DELIVERED,
            delivered_at=now,
            next_attempt_at=None,
            last_status_code=outcome.status_code,
            last_error="",
        )
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)
        return None
    give_up = now - delivery.created_at >= timedelta(hours=settings.WEBHOOK_RETRY_HOURS)
    wait = backoff(delivery.attempts)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.FAILED if give_up else DeliveryStatus.PENDING,
        next_attempt_at=None if give_up else now + wait,
        last_status_code=outcome.status_code,
        last_error=outcome.error or f"HTTP {outcome.status_code}",
    )
    failing_since = endpoint.failing_since or now
    if endpoint.failing_since is None:
        WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(
            failing_since=now
        )
    if now - failing_since >= timedelta(hours=settings.WEBHOOK_RETRY_HOURS):
        _disable(endpoint, now)
        return None
    return None if give_up else wait


def _disable(endpoint: WebhookEndpoint, now: datetime) -> None:
    given_up = endpoint_disable(endpoint=endpoint, now=now)
    logger.warning(
        "webhook endpoint %s of partner %s disabled after %s hours of failures (%s deliveries"
        " given up)",
        endpoint.pk,
        endpoint.partner_id,
        settings.WEBHOOK_RETRY_HOURS,
        given_up,
    )
    address = endpoint.partner.contact_email
    if address:  # a partner has no language of its own: both, Chinese first
        hours = settings.WEBHOOK_RETRY_HOURS
        transaction.on_commit(
            lambda: send_mail(
                f"Webhook 端点已停用 · Webhook endpoint disabled: {endpoint.url}",
                f"您的 Webhook 端点 {endpoint.url} 已连续 {hours} 小时投递失败，现已停用。"
                f"修复后可在 API（PATCH /api/v1/webhooks/{endpoint.pk}/，is_active: true）中"
                "重新启用。\n\n"
                f"Your webhook endpoint {endpoint.url} failed every delivery for {hours} hours "
                "and has been disabled. Once it is fixed, enable it again through the API "
                f"(PATCH /api/v1/webhooks/{endpoint.pk}/ with is_active: true).\n",
                settings.DEFAULT_FROM_EMAIL,
                [address],
                fail_silently=True,
            )
        )


def deliveries_due(*, now: datetime, limit: int = 500) -> list[int]:
    """Pending deliveries whose time has come (a retry, or a task that was lost)."""
    return list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, endpoint__is_active=True, next_attempt_at__lte=now
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
