"""Links that reopen a profile form's answers without an account (#15): the answers stay on
the server under a random token; the link names only the token, and it expires."""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from .models import SharedProfile

LIFETIME = timedelta(days=30)
MAX_BYTES = 64 * 1024  # a whole draft is a few kB; a link is not storage


class TooLarge(ValueError):
    pass


def shared_profile_create(*, draft: dict[str, Any], now: datetime | None = None) -> SharedProfile:
    """Keep `draft` (the form's answers, as the session holds them) behind a new token."""
    if len(json.dumps(draft, ensure_ascii=False).encode()) > MAX_BYTES:
        raise TooLarge("the answers are too large to share")
    now = now or timezone.now()
    return SharedProfile.objects.create(
        token=secrets.token_urlsafe(24), draft=draft, expires_at=now + LIFETIME
    )


def shared_profile_get(*, token: str, now: datetime | None = None) -> SharedProfile | None:
    """The shared answers of `token`, unless it is unknown or has expired."""
    if not isinstance(token, str) or not 16 <= len(token) <= 64:
        return None
    return SharedProfile.objects.filter(token=token, expires_at__gt=now or timezone.now()).first()


def shared_profiles_purge(*, now: datetime | None = None) -> int:
    """Delete expired links' answers; returns how many (a beat task calls it daily)."""
    deleted, _ = SharedProfile.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return int(deleted)
