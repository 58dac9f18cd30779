"""The one error shape of the partner API, {code, detail, errors?} (design §7): the
exception handler of every DRF view, the same body outside DRF (unknown paths, the body
middleware), and the API's own refusals (409, 413)."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings

from .language import header_language, request_language

logger = logging.getLogger(__name__)


class Conflict(exceptions.APIException):
    """409: the request is valid but the state refuses it (a second record of a line, a
    transition that cannot follow, a limit reached); `detail` names the field."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"


def payload_too_large() -> PayloadTooLarge:
    return PayloadTooLarge(
        _("请求体过大：最多 %(limit)s 字节") % {"limit": settings.API_MAX_BODY_BYTES}
    )


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
        exc = payload_too_large()
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


def json_error(request: HttpRequest, status_code: int, code: str, detail: str) -> JsonResponse:
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
    return json_error(
        request, 404, "not_found", _("没有这个接口：%(path)s") % {"path": request.path}
    )
