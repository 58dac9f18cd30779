"""The language of a partner-API request: read from Accept-Language, activated for the whole
request, and said back in Content-Language (design §7)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language, get_supported_language_variant
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header
from rest_framework import exceptions
from rest_framework.request import Request

from policy_match.rules import normalize_language


def header_language(request: HttpRequest) -> str:
    """zh-hans or en from the Accept-Language header; zh-hans when it names neither.

    Read here rather than left to LocaleMiddleware: with the pages' i18n_patterns
    (prefix_default_language=False) Django gives every unprefixed path, /api/ included, the
    default language whatever the header says."""
    for code, _quality in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        if code == "*":
            break
        try:
            return normalize_language(get_supported_language_variant(code))
        except LookupError:
            continue
    return normalize_language(None)


def request_language() -> str:
    """The language of the current API request (activated by LanguageMixin)."""
    return normalize_language(get_language())


def check_query_params(request: Request) -> None:
    """One value per query parameter, and not an empty one: `?page=1&page=2` or `?active_on=`
    would otherwise be read as the last value or as no filter, silently."""
    errors = {}
    for name, values in request.query_params.lists():
        if len(values) > 1:
            errors[name] = _("只能给出一次")
        elif values[0].strip() == "":
            errors[name] = _("不能为空：不需要时请省略此参数")
    if errors:
        raise exceptions.ValidationError(errors)


class LanguageMixin:
    """Activates the Accept-Language language for the whole request: our messages, DRF's,
    translated model fields and choice labels all follow it. Then checks the query string
    (check_query_params), so its errors come in that language too."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        translation.activate(header_language(request))
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        check_query_params(request)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        response["Content-Language"] = request_language()
        # Said here, not only by LocaleMiddleware, which partner calls skip (config.middleware).
        patch_vary_headers(response, ("Accept-Language",))
        return response
