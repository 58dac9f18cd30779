"""What every partner-API endpoint shares: key authentication, per-key throttling, the body
size limit, the request language and the one error shape (design §7)."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import orjson
from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language, get_supported_language_variant
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, pagination, renderers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils import encoders

from config.chunked import UNREADABLE
from policy_match.rules import normalize_language

logger = logging.getLogger(__name__)


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


class PageNumberPagination(pagination.PageNumberPagination):
    """?page=N, and ?page_size=N up to 200 (default settings PAGE_SIZE)."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int | None:
        # DRF ignores a bad page_size silently; a partner should hear that it was wrong.
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and not (raw.isdigit() and 0 < int(raw) <= self.max_page_size):
            raise exceptions.ValidationError(
                {"page_size": _("应为 1 到 %(max)s 之间的整数") % {"max": self.max_page_size}}
            )
        return super().get_page_size(request)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
            if parameter["name"] == self.page_query_param:
                # Bounded so that no schema-valid URL outgrows a server's request line.
                parameter["schema"].update(minimum=1, maximum=2**31 - 1)
        return parameters


class Conflict(exceptions.APIException):
    """409: the request is valid but the state refuses it (a second record of a line, a
    transition that cannot follow, a limit reached); `detail` names the field."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"


def _too_large() -> PayloadTooLarge:
    return PayloadTooLarge(
        _("请求体过大：最多 %(limit)s 字节") % {"limit": settings.API_MAX_BODY_BYTES}
    )


_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
_DRF_DEFAULT = encoders.JSONEncoder().default
# DRF escapes the line and paragraph separators, so that the JSON is also valid JavaScript.
# Looked for with one pattern: in Chinese text (UTF-8) `bytes in` is slow at 3-byte needles.
_JS_SEPARATORS = re.compile(rb"\xe2\x80[\xa8\xa9]")  # U+2028 and U+2029 in UTF-8


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSON renderer, encoding with orjson: the same bytes, 15 times faster (json.dumps
    took 0.8 ms of a /match/ request, a seventh of it; design §10). Dates, times and whatever
    else orjson does not know go through DRF's encoder as before; an indented response (the
    browsable API, `; indent=`) or a value orjson refuses (an integer past 64 bits, a key that
    is not a string) is rendered by DRF itself. (A float NaN, which no endpoint sends, would
    be null rather than an error.)"""

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if data is None or self.get_indent(accepted_media_type or "", renderer_context or {}):
            return super().render(data, accepted_media_type, renderer_context)
        try:
            body = orjson.dumps(data, default=_DRF_DEFAULT, option=_ORJSON_OPTIONS)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        if _JS_SEPARATORS.search(body):
            body = body.replace("\u2028".encode(), b"\\u2028").replace(
                "\u2029".encode(), b"\\u2029"
            )
        return body


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class LimitedJSONParser(JSONParser):
    """JSON with a size limit (settings.API_MAX_BODY_BYTES); numbers with a fraction become
    Decimal so that money sent as a JSON number keeps its exact value."""

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        limit: int = settings.API_MAX_BODY_BYTES
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        too_large = _too_large()
        if declared and declared.isdigit() and int(declared) > limit:
            raise too_large
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise too_large
        try:
            data = json.loads(raw, parse_float=Decimal, parse_constant=_reject_constant)
        except (ValueError, RecursionError) as exc:
            raise exceptions.ParseError(
                _("请求体不是有效的 JSON：%(error)s") % {"error": exc}
            ) from exc
        if _MAY_HOLD_SURROGATE.search(raw):
            path = surrogate_path(data)
            if path is not None:
                raise exceptions.ValidationError(
                    {path: _("含有无效的 Unicode 字符（单独的代理项）")}
                )
        return data


# A lone surrogate (half of a UTF-16 pair) is no character: it cannot be stored or encoded as
# UTF-8. JSON can only carry one as a \uD800-\uDFFF escape (or as raw surrogate bytes, which
# json.loads lets through), so bodies without either skip the walk below.
_MAY_HOLD_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def surrogate_path(data: Any, prefix: str = "") -> str | None:
    """The field path of the first key or text holding a lone surrogate, if any."""
    if isinstance(data, str):
        return prefix if _SURROGATE.search(data) else None
    if isinstance(data, dict):
        for key, value in data.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if _SURROGATE.search(key):
                return prefix or "."
            found = surrogate_path(value, path)
            if found is not None:
                return found
    if isinstance(data, list):
        for index, item in enumerate(data):
            found = surrogate_path(item, f"{prefix}[{index}]")
            if found is not None:
                return found
    return None


def error_paths(detail: Any, prefix: str = "") -> dict[str, str]:
    """DRF's nested error detail as {field path: message}, paths like `people[1].graduated_on`."""
    if isinstance(detail, Mapping):
        found: dict[str, str] = {}
        for key, value in detail.items():
            if key == api_settings.NON_FIELD_ERRORS_KEY:
                path = prefix
            elif isinstance(key, int):
                path = f"{prefix}[{key}]"
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            found.update(error_paths(value, path))
        return found
    if isinstance(detail, list | tuple):
        if all(not isinstance(item, Mapping | list | tuple) for item in detail):
            return {prefix: " ".join(str(item) for item in detail)} if detail else {}
        found = {}
        for index, item in enumerate(detail):
            found.update(error_paths(item, f"{prefix}[{index}]"))
        return found
    return {prefix: str(detail)}


def error_body(code: str, detail: str, errors: dict[str, str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "detail": detail}
    if errors is not None:
        body["errors"] = errors
    return body


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """Every error as {code, detail, errors?}: a stable code, a message in the request's
    language and, for validation, one message per field path."""
    # Imported here: DRF imports this module (the authentication class) while it loads views.
    from rest_framework.views import exception_handler, set_rollback

    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):  # Django's own limit, if ever below the API's
        exc = _too_large()
    response = exception_handler(exc, context)
    if response is None:
        # Not an API error: log it and still answer in the one JSON shape.
        logger.exception("unexpected error in %s", context.get("view"), exc_info=exc)
        set_rollback()
        body = error_body("server_error", _("服务器内部错误，请稍后重试"))
        return Response(body, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    if isinstance(exc, exceptions.ValidationError):
        errors = dict(sorted(error_paths(exc.detail).items()))
        response.data = error_body("invalid", _("请求数据有误，请查看 errors"), errors)
        response.status_code = status.HTTP_400_BAD_REQUEST
        return response
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.APIException) and isinstance(exc.detail, dict):
        # A refusal naming fields, not of the input's form (409: a conflict with what is stored).
        errors = dict(sorted(error_paths(exc.detail).items()))
        response.data = error_body(code, _("与已保存的数据冲突，请查看 errors"), errors)
        return response
    if isinstance(exc, exceptions.NotAuthenticated):
        detail = _("缺少 API 密钥：请在请求头加入 Authorization: Api-Key <密钥>")
    elif isinstance(exc, exceptions.PermissionDenied):
        user = getattr(context.get("request"), "user", None)
        detail = (
            _("您的工作人员账号没有此操作的权限（与管理后台的权限相同）")
            if user is not None and user.is_staff
            else _("需要合作方 API 密钥或工作人员登录")
        )
    else:
        raw = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        detail = str(raw) if not isinstance(raw, dict | list) else json.dumps(raw)
    response.data = error_body(code, detail)
    return response


def _json_error(request: HttpRequest, status_code: int, code: str, detail: str) -> JsonResponse:
    """An error in the API's shape and the header's language, outside any DRF view."""
    response = JsonResponse(
        error_body(code, detail), status=status_code, json_dumps_params={"ensure_ascii": False}
    )
    response["Content-Language"] = request_language()
    patch_vary_headers(response, ("Accept-Language",))
    return response


@csrf_exempt  # an unknown path is a 404 for every method, never a CSRF page
def api_not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Unknown paths under /api/ answer in the API's error shape, not an HTML page."""
    translation.activate(header_language(request))
    return _json_error(
        request, 404, "not_found", _("没有这个接口：%(path)s") % {"path": request.path}
    )


class RequestBodyMiddleware:
    """Refuses, before anything reads it, a body the API would not read whole: larger than
    API_MAX_BODY_BYTES (413; Django itself would raise RequestDataTooBig at 2.5 MB, a 500),
    or chunked where the server could not decode it (411, never read as an empty body; see
    config.chunked). Pages keep Django's own limits; a chunked page request is refused too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        api = request.path_info.startswith("/api/")
        unreadable = bool(request.META.get(UNREADABLE))
        declared = request.META.get("CONTENT_LENGTH") or ""
        too_large = api and declared.isdigit() and int(declared) > settings.API_MAX_BODY_BYTES
        if not (unreadable or too_large):
            return self.get_response(request)
        with translation.override(header_language(request)):
            if too_large:
                return _json_error(request, 413, "payload_too_large", str(_too_large().detail))
            detail = _("不支持分块传输的请求体：请发送 Content-Length")
            if api:
                return _json_error(request, 411, "length_required", detail)
            return HttpResponse(detail, status=411, content_type="text/plain; charset=utf-8")
