"""Request bodies sent with `Transfer-Encoding: chunked`, which carry no Content-Length.

Django reads a body by its Content-Length, so without one it sees an empty body: /match/
would answer for an empty profile and a PATCH would change nothing and answer 200. Where the
server has already decoded the chunks (gunicorn says so with `wsgi.input_terminated`), the body
is read here, at most `limit` + 1 bytes, and handed on with its length, so every size limit
applies to it as to any other body (one byte over is enough to refuse it). Where the server has
not (the development server), the request is marked, and the API answers 411 Length Required
rather than pretend the body was empty (policy_match.api.bodies.RequestBodyMiddleware).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

UNREADABLE = "policy_match.unreadable_body"  # environ key: a chunked body nobody decoded

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def is_chunked(environ: dict[str, Any]) -> bool:
    encoding = str(environ.get("HTTP_TRANSFER_ENCODING", "")).lower()
    return "chunked" in encoding and not environ.get("CONTENT_LENGTH")


class ChunkedBodies:
    """WSGI middleware: gives a decoded chunked body its Content-Length."""

    def __init__(self, app: WSGIApp, *, limit: int) -> None:
        self.app, self.limit = app, limit

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if is_chunked(environ):
            if environ.get("wsgi.input_terminated"):
                body = environ["wsgi.input"].read(self.limit + 1)
                environ["wsgi.input"] = io.BytesIO(body)
                environ["CONTENT_LENGTH"] = str(len(body))
                del environ["HTTP_TRANSFER_ENCODING"]
            else:
                environ[UNREADABLE] = True
        return self.app(environ, start_response)
