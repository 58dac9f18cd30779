"""Page middleware that partner API calls skip (design §10: /api/v1/match/ ≥ 800 req/s).

A partner call is a request under /api/v1/ with an `Authorization: Api-Key …` header and no
cookies. Sessions, user authentication, messages, the history user and the page language mean
nothing to it: the key authenticates it (DRF), the view activates the Accept-Language language
and sends `Vary: Accept-Language` itself (policy_match.api.language.LanguageMixin), and without a
cookie there is no session and no signed-in user (simple_history records no user for a key either:
DRF's user is AnonymousUser). Its JSON is never a page a browser shows: a browser cannot send
that header on a navigation or in a frame, and a script of another origin cannot without CORS,
which we do not serve; so the Content-Security-Policy, which guards pages, is left off too.
Together these cost about 0.4 ms a request, a sixth of the budget of a whole match.

Everything else runs as before: SecurityMiddleware (HSTS, nosniff, the HTTPS redirect),
CommonMiddleware (ALLOWED_HOSTS), and the cheap CSRF (API views are csrf_exempt), X-Frame-Options
and axes, whose exact names `check --deploy` and axes look for. A request with a cookie (a staff
member's browsable API) or without a key takes the full chain.

Each class is the library's own, so the admin's checks (which want subclasses of the session,
authentication and message middleware) still pass; settings.MIDDLEWARE names them in the usual
places.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import csp.middleware
import simple_history.middleware
from django.conf import settings
from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django.http import HttpRequest, HttpResponseBase
from django.middleware import locale
from django.utils import translation

API_PREFIX = "/api/v1/"
_KEYWORD = "api-key "  # rest_framework_api_key's KeyParser: "Api-Key <key>", in any case


def is_partner_call(request: HttpRequest) -> bool:
    """An API-key request to the partner API, without cookies."""
    meta = request.META
    return (
        request.path_info.startswith(API_PREFIX)
        and not meta.get("HTTP_COOKIE")
        and meta.get("HTTP_AUTHORIZATION", "")[: len(_KEYWORD)].lower() == _KEYWORD
    )


class _PagesOnly:
    """Mixed into a MiddlewareMixin middleware: partner calls go straight to the next one."""

    get_response: Callable[[HttpRequest], Any]

    def __call__(self, request: HttpRequest) -> Any:
        if is_partner_call(request):
            return self.get_response(request)
        return super().__call__(request)  # type: ignore[misc]


class SessionMiddleware(_PagesOnly, sessions.SessionMiddleware):
    pass


class LocaleMiddleware(_PagesOnly, locale.LocaleMiddleware):
    def __call__(self, request: HttpRequest) -> Any:
        if is_partner_call(request):
            # As LocaleMiddleware would for this unprefixed path, so that nothing before the
            # view sees the previous request's language.
            translation.activate(settings.LANGUAGE_CODE)
        return super().__call__(request)


class AuthenticationMiddleware(_PagesOnly, auth.AuthenticationMiddleware):
    pass


class MessageMiddleware(_PagesOnly, messages.MessageMiddleware):
    pass


class CSPMiddleware(_PagesOnly, csp.middleware.CSPMiddleware):
    pass


def HistoryRequestMiddleware(  # a middleware factory, named like the library's
    get_response: Callable[[HttpRequest], HttpResponseBase],
) -> Callable[[HttpRequest], HttpResponseBase]:
    """simple_history's, which is a function: wrapped rather than subclassed."""
    pages = simple_history.middleware.HistoryRequestMiddleware(get_response)

    def middleware(request: HttpRequest) -> HttpResponseBase:
        if is_partner_call(request):
            return get_response(request)
        return pages(request)

    return middleware
