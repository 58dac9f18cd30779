"""Template filters of the staff admin: money always with separators, whatever the locale
(Django's zh-hans formats group nothing, so 20000000.00 would be hard to read)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.translation import get_language

from policy_match.rules import normalize_language

register = template.Library()


@register.filter
def yuan(value: Any) -> str:
    """20000000 → "20,000,000.00"; None or "" → "—"."""
    if value in (None, ""):
        return "—"
    try:
        return f"{Decimal(str(value)).quantize(Decimal('0.01')):,.2f}"
    except (InvalidOperation, ValueError):
        return str(value)


@register.filter
def subject_text(change: Any) -> str:
    """A preview row's person or loan as staff name it, in their language."""
    return str(change.subject_text(normalize_language(get_language())))
