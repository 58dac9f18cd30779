"""Log wiring: a request id on every line, one access line per request and one per Celery task.

The formatter (plain or JSON) is chosen in settings (`DJANGO_LOG_FORMAT`); this module only adds
the fields both formats print.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar, Token
from typing import Any

from celery import signals
from django.http import HttpRequest, HttpResponseBase

REQUEST_ID_HEADER = "X-Request-ID"
# Task message header carrying the id of the request that enqueued the task.
TASK_HEADER = "request_id"

access_logger = logging.getLogger("policy_match.access")
task_logger = logging.getLogger("policy_match.task")

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
# A caller's id is echoed into our logs and headers, so only short plain tokens are trusted.
_SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def current_request_id() -> str | None:
    """The id of the request or task being handled in this context, if any."""
    return _request_id.get()


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char)
    return named or (f"\\u{ord(char):04x}" if ord(char) > 0xFF else f"\\x{ord(char):02x}")


class PlainFormatter(logging.Formatter):
    """The plain one-line format, with control characters in the message escaped: a request
    path holding %0a must not start a forged line of its own. (A traceback, added after the
    message, keeps its lines.) The JSON format needs nothing: JSON escapes them itself."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        return _CONTROL.sub(_escape, line)


class RequestIdFilter(logging.Filter):
    """Gives every record a `request_id` attribute ("-" outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get() or "-"
        return True


class RequestIdMiddleware:
    """Tags the request with an id (the caller's X-Request-ID, else a new one) and logs one line.

    Placed first in MIDDLEWARE, so the line covers every other middleware and the duration is
    the whole of Django's time on the request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = offered if _SAFE_ID.fullmatch(offered) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            duration_ms = round((time.perf_counter() - started) * 1000, 2)
            # The path without its query string: queries may carry personal data.
            access_logger.info(
                "%s %s %s %.2fms",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                },
            )
            return response
        finally:
            _request_id.reset(token)


# --- Celery: one line per task, carrying the id of the request that enqueued it -----------------

_running: dict[str, tuple[float, Token[str | None] | None]] = {}


def _tag_published_task(headers: dict[str, Any] | None = None, **_: Any) -> None:
    request_id = _request_id.get()
    if headers is not None and request_id and TASK_HEADER not in headers:
        headers[TASK_HEADER] = request_id


def _task_started(task_id: str, task: Any, **_: Any) -> None:
    # An eager task runs inside the request that called it and keeps that request's id.
    token = None
    if _request_id.get() is None:
        token = _request_id.set(getattr(task.request, TASK_HEADER, None) or task_id)
    _running[task_id] = (time.perf_counter(), token)


def _task_finished(task_id: str, task: Any, state: str | None = None, **_: Any) -> None:
    started, token = _running.pop(task_id, (None, None))
    duration_ms = round((time.perf_counter() - started) * 1000, 2) if started else None
    try:
        task_logger.info(
            "task %s %s %sms",
            task.name,
            state,
            duration_ms,
            extra={
                "task": task.name,
                "task_id": task_id,
                "state": state,
                "duration_ms": duration_ms,
                "retries": task.request.retries,
            },
        )
    finally:
        if token is not None:
            _request_id.reset(token)


def _use_django_logging(**_: Any) -> None:
    # Connected to setup_logging so Celery keeps Django's LOGGING (JSON in production) instead
    # of installing its own handlers; django.setup() has already applied it.
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


def connect_celery_signals() -> None:
    """Hook the per-task log line and request-id propagation into Celery (called by the app)."""
    signals.setup_logging.connect(_use_django_logging, weak=False)
    signals.before_task_publish.connect(_tag_published_task, weak=False)
    signals.task_prerun.connect(_task_started, weak=False)
    signals.task_postrun.connect(_task_finished, weak=False)
