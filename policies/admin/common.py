"""Small helpers shared by the policy admin pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from policy_match.rules import normalize_language, parse, render_rule

from ..catalogue_dump import dump_yaml
from ..structured_fields import CODE_STYLE


def language() -> str:
    """The staff member's language as the engine names it (zh-hans or en)."""
    return normalize_language(get_language())


def page_context(
    model_admin: admin.ModelAdmin[Any], request: HttpRequest, **extra: Any
) -> dict[str, Any]:
    """What every admin page template expects (site header, sidebar, breadcrumbs)."""
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "app_label": model_admin.opts.app_label,
        **extra,
    }


def code_block(value: Any) -> SafeString:
    """Structured data shown as the YAML a staff member edits."""
    if value in (None, [], {}):
        return format_html("<span>{}</span>", "—")
    return format_html('<pre class="pm-code" style="{}">{}</pre>', CODE_STYLE, dump_yaml(value))


def rule_sentences(rule: Any) -> list[str]:
    """The rule as indented sentences in the staff member's language ([] if it cannot parse)."""
    try:
        return render_rule(parse(rule), language())
    except ValueError:
        return []


def sentences_block(rule: Any) -> SafeString:
    lines = rule_sentences(rule)
    if not lines:
        return format_html("<span>{}</span>", "—")
    return format_html(
        '<pre class="pm-sentences" style="{}">{}</pre>', CODE_STYLE, "\n".join(lines)
    )
