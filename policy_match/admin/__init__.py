"""Stored matches, re-match runs, the measure dashboard, applications and take-up, and
partner webhooks in the Django admin."""

from .applications import ApplicationAdmin, TakeUpAdmin
from .matches import MatchAdmin, RematchRunAdmin
from .webhooks import WebhookDeliveryAdmin, WebhookEndpointAdmin

__all__ = [
    "ApplicationAdmin",
    "MatchAdmin",
    "RematchRunAdmin",
    "TakeUpAdmin",
    "WebhookDeliveryAdmin",
    "WebhookEndpointAdmin",
]
