"""#12.7, #12.8, #12.12: bodies too large, chunked bodies, and lone surrogates.

The chunked cases call the project's WSGI application (config.wsgi, what gunicorn serves) with
the environ a server gives it: gunicorn decodes the chunks and says so with
`wsgi.input_terminated`; the development server does neither.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from rest_framework.test import APIClient

from config.wsgi import application
from enterprises.models import Enterprise, PartnerAPIKey
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def key() -> str:
    _api_key, key = PartnerAPIKey.objects.create_key(name="t", partner=PartnerFactory())
    return key


@pytest.fixture
def _connection_stays_open() -> Iterator[None]:
    """The real handler closes the connection after each request, and with it the test's
    transaction (Django's test client switches this off the same way)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _wsgi(key: str, method: str, path: str, body: bytes, **environ: Any) -> tuple[int, Any]:
    """One request through the WSGI application: (status, decoded JSON body)."""
    env = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "CONTENT_TYPE": "application/json",
        "HTTP_AUTHORIZATION": f"Api-Key {key}",
        "HTTP_ACCEPT_LANGUAGE": "en",
        **environ,
    }
    if "HTTP_TRANSFER_ENCODING" not in env:
        env["CONTENT_LENGTH"] = str(len(body))
    started: list[str] = []
    chunks = application(env, lambda status, headers, *_: started.append(status))
    payload = b"".join(chunks)
    return int(started[0].split()[0]), json.loads(payload) if payload else None


CHUNKED = {"HTTP_TRANSFER_ENCODING": "chunked"}


def test_it_reads_a_chunked_body_the_server_decoded(
    catalogue: None, key: str, _connection_stays_open: None
) -> None:
    body = json.dumps({"enterprise": {"registered_district": "futian"}}).encode()

    status, answer = _wsgi(
        key, "POST", "/api/v1/match/", body, **CHUNKED, **{"wsgi.input_terminated": True}
    )

    assert status == 200
    assert answer["summary"]["ineligible"] > 0  # futian: the Nanshan measures do not apply


def test_it_applies_a_chunked_patch_instead_of_answering_as_if_it_were_empty(
    key: str, _connection_stays_open: None
) -> None:
    created, answer = _wsgi(key, "POST", "/api/v1/enterprises/", b'{"name": "a"}')
    url = f"/api/v1/enterprises/{answer['id']}/"

    status, _answer = _wsgi(
        key, "PATCH", url, b'{"name": "b"}', **CHUNKED, **{"wsgi.input_terminated": True}
    )

    assert created == 201 and status == 200
    assert Enterprise.objects.get(pk=answer["id"]).name == "b"


def test_it_refuses_a_chunked_body_nobody_decoded_with_411(
    key: str, _connection_stays_open: None
) -> None:
    status, answer = _wsgi(key, "POST", "/api/v1/enterprises/", b"", **CHUNKED)

    assert status == 411
    assert answer["code"] == "length_required"
    assert "Content-Length" in answer["detail"]
    assert not Enterprise.objects.exists()


def test_it_refuses_a_chunked_body_larger_than_the_limit(
    key: str, settings: Any, _connection_stays_open: None
) -> None:
    body = json.dumps({"enterprise": {}, "x": "a" * 300_000}).encode()

    status, answer = _wsgi(
        key, "POST", "/api/v1/match/", body, **CHUNKED, **{"wsgi.input_terminated": True}
    )

    assert status == 413 and answer["code"] == "payload_too_large"


@pytest.mark.parametrize("size", [300_000, 3_000_000, 30_000_000])
def test_it_answers_413_in_the_error_shape_for_every_size(api_client: APIClient, size: int) -> None:
    body = b'{"enterprise": {"x": "' + b"a" * size + b'"}}'

    response = api_client.generic(
        "POST",
        "/api/v1/match/",
        body,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert response.json()["detail"] == "Request body too large: at most 262144 bytes"


@pytest.mark.parametrize(
    ("raw", "path"),
    [
        (b'{"people": [{"ref": "\\ud800"}]}', "people[0].ref"),
        (b'{"people": [{"ref": "p1", "degree": "\\udfff"}]}', "people[0].degree"),
        (b'{"enterprise": {"industry": "a\\uDBFFb"}}', "enterprise.industry"),
    ],
)
def test_it_refuses_a_lone_surrogate_naming_the_field(
    catalogue: None, api_client: APIClient, raw: bytes, path: str
) -> None:
    response = api_client.generic("POST", "/api/v1/match/", raw, content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()["errors"]) == [path]


def test_it_still_accepts_a_character_written_as_a_surrogate_pair(
    api_client: APIClient,
) -> None:
    response = api_client.post(
        "/api/v1/enterprises/", {"name": "笑脸 \U0001f600 科技"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["name"] == "笑脸 \U0001f600 科技"
