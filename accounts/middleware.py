"""Remember the language a signed-in founder uses the pages in: their e-mails are written in
it (design §14). Written when it differs from what this session last wrote, so a page view
costs no query; the admin and the API do not count (staff may read the admin in English)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .services import account_language_set

SESSION_KEY = "account_language"
SKIPPED = ("/api/", "/admin/", "/static/")


class AccountLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        language = getattr(request, "LANGUAGE_CODE", None)
        if (
            not request.path.startswith(SKIPPED)
            and user is not None
            and user.is_authenticated
            and language
            and response.status_code < 400
            and request.session.get(SESSION_KEY) != language
        ):
            account_language_set(user=user, language=language)
            request.session[SESSION_KEY] = language
        return response
