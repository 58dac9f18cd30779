"""Writes on accounts: a startup's preferences."""

from __future__ import annotations

from typing import Any

from policy_match.rules import normalize_language

from .models import Preferences


def account_language_set(*, user: Any, language: str | None) -> Preferences:
    """Remember the language a signed-in user uses the site in (e-mails are sent in it)."""
    code = normalize_language(language)
    preferences, created = Preferences.objects.get_or_create(user=user, defaults={"language": code})
    if not created and preferences.language != code:
        preferences.language = code
        preferences.save(update_fields=["language"])
    return preferences


def account_language(*, user: Any) -> str:
    """The language to write to `user` in (zh-hans until they used the site in another)."""
    found = Preferences.objects.filter(user=user).values_list("language", flat=True).first()
    return normalize_language(found)


NOTICE_SWITCHES = ("notify_gained", "notify_lost", "notify_amount", "notify_windows")


def account_preferences(*, user: Any) -> Preferences:
    """The user's preferences (the defaults until they change one)."""
    preferences, _created = Preferences.objects.get_or_create(user=user)
    return preferences


def account_notices_set(*, user: Any, switches: dict[str, bool]) -> Preferences:
    """Turn kinds of notices on or off (the names of NOTICE_SWITCHES only)."""
    preferences = account_preferences(user=user)
    for name in NOTICE_SWITCHES:
        if name in switches:
            setattr(preferences, name, bool(switches[name]))
    preferences.save(update_fields=list(NOTICE_SWITCHES))
    return preferences
