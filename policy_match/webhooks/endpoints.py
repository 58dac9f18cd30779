"""A partner's webhook endpoints: registered (by the partner through the API, or by staff in
the admin) with a URL, the event types it wants and a signing secret shown once."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from enterprises.models import Partner

from ..models import EVENT_TYPES, DeliveryStatus, WebhookDelivery, WebhookEndpoint
from .transport import UnsafeUrl, check

MAX_ENDPOINTS = 10  # per partner: enough for staging and production, not a fan-out tool


class EndpointError(Exception):
    """{field: message} in the active language."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


class EndpointLimit(EndpointError):
    """The partner has MAX_ENDPOINTS already."""


def secret_new() -> str:
    """A Standard Webhooks secret: whsec_ and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def event_types_check(value: Any) -> list[str]:
    """The event types asked for, in canonical order (default: all); EndpointError if not."""
    if value is None:
        return list(EVENT_TYPES)
    if not isinstance(value, list | tuple) or not value:
        raise EndpointError({"event_types": _("应为事件类型的列表，至少一个")})
    unknown = [v for v in value if v not in EVENT_TYPES]
    if unknown:
        raise EndpointError(
            {
                "event_types": _("未知的事件类型：%(types)s")
                % {"types": ", ".join(map(str, unknown))}
            }
        )
    return [t for t in EVENT_TYPES if t in value]  # the canonical order, each once


def _url(url: Any) -> str:
    try:
        check(url)
    except UnsafeUrl as exc:
        raise EndpointError({"url": str(exc)}) from None
    return str(url)


def _description(value: Any) -> str:
    text = "" if value is None else str(value).strip()
    if len(text) > 200:
        raise EndpointError({"description": _("最多 200 个字符")})
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise EndpointError({"description": _("不能包含控制字符（如换行）")})
    return text


@transaction.atomic
def endpoint_create(
    *, partner: Partner, url: Any, event_types: Any = None, description: Any = ""
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its secret (to show once: it is kept only to sign)."""
    Partner.objects.select_for_update().filter(pk=partner.pk).first()  # one count at a time
    if WebhookEndpoint.objects.filter(partner=partner).count() >= MAX_ENDPOINTS:
        raise EndpointLimit({"url": _("每个合作方最多 10 个端点")})
    secret = secret_new()
    endpoint = WebhookEndpoint.objects.create(
        partner=partner,
        url=_url(url),
        event_types=event_types_check(event_types),
        description=_description(description),
        secret=secret,
    )
    return endpoint, secret


def endpoint_update(*, endpoint: WebhookEndpoint, changes: dict[str, Any]) -> WebhookEndpoint:
    """Change the URL, event types, description or active flag; re-activating a disabled
    endpoint starts its failure clock again (its given-up deliveries stay given up)."""
    if "url" in changes:
        endpoint.url = _url(changes["url"])
    if "event_types" in changes:
        endpoint.event_types = event_types_check(changes["event_types"])
    if "description" in changes:
        endpoint.description = _description(changes["description"])
    if "is_active" in changes:
        active = changes["is_active"]
        if not isinstance(active, bool):
            raise EndpointError({"is_active": _("应为 true 或 false")})
        if active and not endpoint.is_active:
            endpoint.failing_since = endpoint.disabled_at = None
        endpoint.is_active = active
    endpoint.save()
    return endpoint


def endpoint_disable(*, endpoint: WebhookEndpoint, now: Any) -> int:
    """Stop sending to an endpoint; its pending deliveries are given up. Returns how many."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False, disabled_at=now)
    return WebhookDelivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, next_attempt_at=None
    )


def endpoints_for(partner_ids: Iterable[int], event_type: str) -> list[WebhookEndpoint]:
    """The active endpoints of these partners that want `event_type`."""
    return [
        e
        for e in WebhookEndpoint.objects.filter(partner_id__in=list(partner_ids), is_active=True)
        if event_type in e.event_types
    ]
