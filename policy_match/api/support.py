"""What every partner-API endpoint shares: key authentication, per-key throttling, the body
size limit, the request language and the one error shape (design §7)."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import cache as cache_on_first_use
from typing import Any

import orjson
import redis
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language, get_supported_language_variant
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, pagination, renderers, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle
from rest_framework.utils import encoders
from rest_framework_api_key.permissions import KeyParser

from config.chunked import UNREADABLE
from enterprises.models import Partner, PartnerAPIKey
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


def _key_sql() -> str:
    key, partner = PartnerAPIKey._meta, Partner._meta
    q = connection.ops.quote_name

    def col(meta: Any, name: str) -> str:
        return q(meta.get_field(name).column)

    return (
        f"SELECT k.{col(key, 'id')}, k.{col(key, 'hashed_key')}, k.{col(key, 'partner')},"
        f" p.{col(partner, 'name')}"
        f" FROM {q(key.db_table)} k JOIN {q(partner.db_table)} p"
        f" ON p.{col(partner, 'id')} = k.{col(key, 'partner')}"
        f" WHERE k.{col(key, 'prefix')} = %s AND k.{col(key, 'revoked')} = %s"
        f" AND p.{col(partner, 'is_active')} = %s"
        f" AND (k.{col(key, 'expiry_date')} IS NULL OR k.{col(key, 'expiry_date')} > %s)"
    )


_KEY_SQL = _key_sql()
_KEYS = PartnerAPIKey.objects.key_generator


def _usable_key(prefix: str) -> PartnerAPIKey | None:
    """The key with this prefix, with its partner, if neither is disabled and it has not
    expired. One query (the /match/ budget is this and the catalogue stamp, design §10), in
    SQL: building the same ORM query cost four times as long as running it (0.9 ms against
    0.2 ms a request on PostgreSQL)."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_KEY_SQL, [prefix, False, True, now])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, hashed_key, partner_id, partner_name = row
    partner = Partner(pk=partner_id, name=partner_name, is_active=True)
    return PartnerAPIKey(pk=pk, prefix=prefix, hashed_key=hashed_key, partner=partner)


class PartnerKeyAuthentication(BaseAuthentication):
    """`Authorization: Api-Key <key>`; `request.auth` is the partner's PartnerAPIKey."""

    keyword = "Api-Key"
    _parser = KeyParser()

    def authenticate(self, request: Request) -> tuple[AnonymousUser, PartnerAPIKey] | None:
        key = self._parser.get(request)
        if key is None:
            return None  # no Api-Key header: a staff session may still authenticate
        key = key.strip()
        api_key = _usable_key(key.partition(".")[0])
        # The generator's verify, not api_key.is_valid(): that one may save the key (to upgrade
        # an old hash), and this instance holds only the columns read above.
        if api_key is None or not _KEYS.verify(key, api_key.hashed_key):
            raise exceptions.AuthenticationFailed(_("API 密钥无效、已过期或已被停用"))
        return AnonymousUser(), api_key

    def authenticate_header(self, request: Request) -> str:
        return self.keyword  # makes a missing key a 401 (with WWW-Authenticate), not a 403


def request_partner(request: Request) -> Partner | None:
    """The calling partner (its id and name), or None for a staff session."""
    return request.auth.partner if isinstance(request.auth, PartnerAPIKey) else None


# What a staff session needs, per method, on each model a view names in `staff_models`: the
# admin's own model permissions, so that no permission is wider in the API than in the admin.
_STAFF_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


class IsPartnerOrStaff(BasePermission):
    """A partner key, or a staff session (for the browsable API) holding the admin's model
    permissions for what the view reads or writes (`staff_models`: view for GET, add for POST,
    change for PATCH, delete for DELETE). Views without `staff_models` serve only what the
    public pages show too (the published catalogue, the fact registry, matching a profile)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if isinstance(request.auth, PartnerAPIKey):
            return True
        user = request.user
        if not (user and user.is_active and user.is_staff):
            return False
        models = getattr(view, "staff_models", ())
        action = _STAFF_ACTIONS.get(request.method or "", "change")
        needed = [f"{m._meta.app_label}.{action}_{m._meta.model_name}" for m in models[:1]]
        # Reading a model beside the main one (an enterprise's matches) needs its view right.
        needed += [f"{m._meta.app_label}.view_{m._meta.model_name}" for m in models[1:]]
        return user.has_perms(needed)


@cache_on_first_use
def _redis() -> redis.Redis | None:
    """The Redis of the default cache, when it is Redis (production)."""
    backend = settings.CACHES["default"]
    if not backend["BACKEND"].endswith("RedisCache"):
        return None
    return redis.Redis.from_url(backend["LOCATION"])


def _count(key: str, seconds: int, amount: int = 1) -> int:
    """Add `amount` to the counter `key`, which lives `seconds`; return its new value."""
    client = _redis()
    if client is not None:
        # One round trip: INCRBY creates the key, EXPIRE NX sets its lifetime once (Redis ≥ 7).
        pipe = client.pipeline(transaction=False)
        pipe.incrby(key, amount)
        pipe.expire(key, seconds, nx=True)
        return int(pipe.execute()[0])
    try:
        return cache.incr(key, amount)
    except ValueError:  # the window's first request (add: two threads may race here)
        cache.add(key, 0, timeout=seconds)
        return cache.incr(key, amount)


class PartnerKeyThrottle(BaseThrottle):
    """At most settings.API_THROTTLE_RATE requests ("<n>/<second|minute|hour|day>") per key
    and fixed window, counted in Redis (production) or the local-memory cache. A counter costs
    one Redis round trip a request; DRF's sliding window re-reads and re-writes a list of up to
    n timestamps, measured at over 1 ms a request, a third of a whole match."""

    _wait: float | None = None

    def allow_request(self, request: Request, view: Any) -> bool:
        return self.charge(request, 1)

    def charge(self, request: Request, amount: int) -> bool:
        """Count `amount` requests (a batch of n profiles counts as n); whether within rate."""
        rate: str | None = settings.API_THROTTLE_RATE  # read per request: tests change it
        if rate is None or not isinstance(request.auth, PartnerAPIKey):
            return True  # staff sessions are not throttled
        count, period = rate.split("/")
        seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]
        now = time.time()
        window = int(now // seconds)
        key = f"throttle:partner_key:{request.auth.prefix}:{window}"
        used = _count(key, seconds + 1, amount)
        self._wait = (window + 1) * seconds - now
        return used <= int(count)

    def wait(self) -> float | None:
        return self._wait


def throttle_charge(request: Request, amount: int) -> None:
    """Count `amount` more requests against the key's rate (the throttle counted one already),
    or raise 429."""
    throttle = PartnerKeyThrottle()
    if amount > 0 and not throttle.charge(request, amount):
        raise exceptions.Throttled(wait=throttle.wait())


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
