"""The matching domain's tables: stored matches and their changes, re-match runs, shared
answers, applications, notices and webhooks (one module each)."""

from .applications import Application, ApplicationStatus, TakeUp
from .matches import (
    ChangeCause,
    Match,
    MatchChange,
    MatchStatus,
    RematchChunk,
    RematchRun,
    RematchStatus,
    SharedProfile,
)
from .notices import Notice, NoticeKind, Subscription
from .webhooks import (
    EVENT_TYPES,
    Cursor,
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

__all__ = [
    "EVENT_TYPES",
    "Application",
    "ApplicationStatus",
    "ChangeCause",
    "Cursor",
    "DeliveryStatus",
    "Match",
    "MatchChange",
    "MatchStatus",
    "Notice",
    "NoticeKind",
    "RematchChunk",
    "RematchRun",
    "RematchStatus",
    "SharedProfile",
    "Subscription",
    "TakeUp",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
]
