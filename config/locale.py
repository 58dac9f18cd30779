"""The admin in the staff member's language.

The startup pages use i18n_patterns with an unprefixed default language, so LocaleMiddleware
treats every unprefixed path, /admin/ included, as zh-hans. The admin has no language prefix:
there the language comes from the language cookie or the browser (Accept-Language).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation


class AdminLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/admin/"):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
