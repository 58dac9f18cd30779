"""Template helpers of the startup pages: money in yuan, the other language's address."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.urls import translate_url
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from policy_match.rules import FACTS, normalize_language

register = template.Library()

OTHER = {"zh-hans": ("en", "English", "en"), "en": ("zh-hans", "中文", "zh-Hans")}


@register.filter
def yuan(value: Any) -> str:
    """744500 → "744,500 元" (zh-hans) or "744,500 yuan" (en); fen only when there are any."""
    if value is None or value == "":
        return "—"
    number = f"{Decimal(value):,.2f}".removesuffix(".00")
    return f"{number} 元" if normalize_language(get_language()) == "zh-hans" else f"{number} yuan"


def _trimmed(number: Decimal) -> str:
    text = f"{number:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def yuan_round(value: Any) -> str:
    """A headline figure: 10000000 → "1,000 万元" (zh-hans) or "10 million yuan" (en)."""
    if value is None or value == "":
        return "—"
    amount = Decimal(value)
    if normalize_language(get_language()) == "zh-hans":
        if amount >= 10000 and amount % 100 == 0:
            return _trimmed(amount / 10000) + " 万元"
        return yuan(amount)
    if amount >= 1_000_000 and amount % 10_000 == 0:
        return _trimmed(amount / 1_000_000) + " million yuan"
    return yuan(amount)


@register.simple_tag(takes_context=True)
def other_language(context: dict[str, Any]) -> dict[str, str]:
    """The language switch: the same page in the other language."""
    code, name, html_lang = OTHER[normalize_language(get_language())]
    request = context.get("request")
    path = request.get_full_path() if request is not None else "/"
    return {"code": code, "name": name, "lang": html_lang, "url": translate_url(path, code)}


@register.filter
def html_lang(language: str) -> str:
    """The page's language as an HTML lang attribute (zh-Hans, en)."""
    return "en" if normalize_language(language) == "en" else "zh-Hans"


@register.filter
def field_label(form: Any, name: str) -> str:
    """The label of one field of `form` (for the error summary)."""
    field = form.fields.get(name)
    return str(field.label) if field is not None else ""


@register.filter
def paren(text: Any) -> str:
    """Text in brackets: full-width （…） in Chinese, " (…)" in English."""
    if text in (None, ""):
        return ""
    if normalize_language(get_language()) == "zh-hans":
        return f"（{text}）"
    return f" ({text})"


@register.filter
def fact_unit(field: Any) -> str:
    """The registry's unit of a form field's fact, in the page's language ("" if none)."""
    fact = FACTS.get(field.name)
    return fact.unit.get(get_language()) if fact is not None and fact.unit else ""


@register.filter
def fact_kind(field: Any) -> str:
    """The registry's kind of a form field's fact (sizes its input); "text" if not a fact."""
    fact = FACTS.get(field.name)
    return fact.kind.value if fact is not None else "text"


@register.filter
def listing(items: Any) -> str:
    """Names joined as the page's language lists them: "甲、乙" or "A, B"."""
    texts = [str(item) for item in items or []]
    return ("、" if normalize_language(get_language()) == "zh-hans" else ", ").join(texts)


@register.simple_tag
def list_sep() -> str:
    """The separator between items of an inline list in the page's language."""
    return "、" if normalize_language(get_language()) == "zh-hans" else ", "


@register.filter
def get_line(records: Any, card: dict[str, Any]) -> Any:
    """The application record of a results card (by its measure and subject), if any."""
    if not records:
        return None
    return records.get((card["slug"], card["ref"] or ""))


@register.filter
def unit_text(unit: Any) -> str:
    """A registry unit (a Text) in the page's language."""
    return str(unit.get(get_language())) if unit else ""


_STATUS = {"eligible": _("符合"), "ineligible": _("不符合"), "undetermined": _("待确定")}


@register.filter
def status_label(status: Any) -> str:
    """A result status in words ("—" when there was no line: a subject added or removed)."""
    return str(_STATUS.get(str(status), "—")) if status else "—"


@register.simple_tag
def colon() -> str:
    """ "：" in Chinese, ": " in English (after a name that a text follows)."""
    return "：" if normalize_language(get_language()) == "zh-hans" else ": "
