"""Serializers of a partner's webhook endpoints and their deliveries (/webhooks/)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from policy_match.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from policy_match.models.webhooks import EVENT_TYPE_CHOICES
from policy_match.webhooks.endpoints import EndpointError, event_types_check

FIELDS = ("url", "event_types", "description", "is_active")


class WebhookInputSerializer(serializers.Serializer):
    """An endpoint: an https URL on a public address, and the event types it wants."""

    url = serializers.URLField(max_length=500, help_text="https only; no private addresses")
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_TYPE_CHOICES),
        required=False,
        min_length=1,
        help_text="default: all of them",
    )
    description = serializers.CharField(required=False, allow_blank=True, max_length=200)
    is_active = serializers.BooleanField(
        required=False, help_text="false pauses deliveries; true re-enables a disabled endpoint"
    )


def webhook_input(data: Any, *, create: bool) -> dict[str, Any]:
    """The request's fields (checked by the use-case), or ValidationError naming unknown ones."""
    if not isinstance(data, dict):
        raise serializers.ValidationError({"": _("应为 JSON 对象")})
    errors = {key: _("未知的字段“%(name)s”") % {"name": key} for key in data if key not in FIELDS}
    if create and "url" not in data:
        errors["url"] = _("必须填写")
    if "event_types" in data:
        try:
            event_types_check(data["event_types"])
        except EndpointError as exc:
            errors.update(exc.errors)
    if errors:
        raise serializers.ValidationError(errors)
    return dict(data)


class WebhookOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    event_types = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_TYPE_CHOICES))
    description = serializers.CharField()
    is_active = serializers.BooleanField()
    failing_since = serializers.DateTimeField(
        allow_null=True, help_text="when deliveries began failing (null: the last one worked)"
    )
    disabled_at = serializers.DateTimeField(
        allow_null=True, help_text="disabled after 24 hours of failures, or paused by you"
    )
    created_at = serializers.DateTimeField()


class WebhookCreatedOutputSerializer(WebhookOutputSerializer):
    secret = serializers.CharField(
        help_text="whsec_…: verify signatures with it (Standard Webhooks). Shown only now."
    )


class AttemptOutputSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    status_code = serializers.IntegerField(allow_null=True, help_text="null: no response")
    error = serializers.CharField()
    duration_ms = serializers.IntegerField()


class DeliveryOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event_id = serializers.CharField(help_text="the webhook-id header: the same on every retry")
    type = serializers.ChoiceField(choices=EVENT_TYPE_CHOICES)
    status = serializers.ChoiceField(choices=DeliveryStatus.choices)
    attempts = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    last_status_code = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField()
    created_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    payload = serializers.JSONField(help_text="the body that is POSTed")
    tries = AttemptOutputSerializer(many=True, help_text="every attempt, oldest first")


def webhook_json(endpoint: WebhookEndpoint, secret: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        name: getattr(endpoint, name)
        for name in ("id", "url", "event_types", "description", "is_active", "failing_since",
                     "disabled_at", "created_at")
    }  # fmt: skip
    if secret is not None:
        data["secret"] = secret
    return data


def delivery_json(delivery: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": delivery.pk,
        "event_id": delivery.event.event_id,
        "type": delivery.event.type,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at,
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error,
        "created_at": delivery.created_at,
        "delivered_at": delivery.delivered_at,
        "payload": delivery.event.payload,
        "tries": [
            {"at": t.at, "status_code": t.status_code, "error": t.error,
             "duration_ms": t.duration_ms}
            for t in delivery.tries.all()
        ],
    }  # fmt: skip
