"""The OpenAPI schema (no warnings, every endpoint, the key scheme) and the offline docs."""

import re
from pathlib import Path

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

from policy_match.profile import Profile

pytestmark = pytest.mark.django_db

OPERATIONS = {
    ("/api/v1/partner/", "get"),
    ("/api/v1/facts/", "get"),
    ("/api/v1/policies/", "get"),
    ("/api/v1/policies/{slug}/", "get"),
    ("/api/v1/match/", "post"),
    ("/api/v1/enterprises/", "get"),
    ("/api/v1/enterprises/", "post"),
    ("/api/v1/enterprises/{id}/", "get"),
    ("/api/v1/enterprises/{id}/", "patch"),
    ("/api/v1/enterprises/{id}/", "delete"),
    ("/api/v1/enterprises/{id}/matches/", "get"),
    ("/api/v1/enterprises/{id}/matches/{policy}/", "get"),
    ("/api/v1/match/compare/", "post"),
    ("/api/v1/match/batch/", "post"),
    ("/api/v1/enterprises/{id}/applications/", "get"),
    ("/api/v1/enterprises/{id}/applications/", "post"),
    ("/api/v1/enterprises/{id}/applications/{application}/", "get"),
    ("/api/v1/enterprises/{id}/applications/{application}/", "patch"),
    ("/api/v1/webhooks/", "get"),
    ("/api/v1/webhooks/", "post"),
    ("/api/v1/webhooks/{id}/", "get"),
    ("/api/v1/webhooks/{id}/", "patch"),
    ("/api/v1/webhooks/{id}/", "delete"),
    ("/api/v1/webhooks/{id}/deliveries/", "get"),
}


def test_it_generates_the_schema_without_a_warning(tmp_path: Path) -> None:
    target = tmp_path / "schema.yaml"

    # --fail-on-warn turns any warning or error of drf-spectacular into a failure.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    schema = yaml.safe_load(target.read_text(encoding="utf-8"))
    operations = {(p, m) for p, item in schema["paths"].items() for m in item if m != "parameters"}
    assert operations == OPERATIONS
    assert schema["components"]["securitySchemes"]["ApiKeyAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "Authorization: Api-Key <key> (from the admin or create_api_key)",
    }
    for path, method in OPERATIONS:
        operation = schema["paths"][path][method]
        assert {"ApiKeyAuth": []} in operation["security"]
        assert "401" in operation["responses"] and "429" in operation["responses"]
        ok = next(code for code in operation["responses"] if code.startswith("2"))
        assert ok == "204" or "content" in operation["responses"][ok], (path, method)
    match = schema["paths"]["/api/v1/match/"]["post"]
    assert match["requestBody"]["content"]["application/json"]["examples"]
    assert match["responses"]["200"]["content"]["application/json"]["examples"]


def test_it_documents_every_fact_of_a_match_request() -> None:
    schema = yaml.safe_load(Client().get("/api/schema/").content)

    components = schema["components"]["schemas"]
    person = components["PersonInputRequest"]["properties"]
    # A one-off match may give an age instead of a birth date; a stored person may not.
    assert set(person) == {"ref", *Profile.person_fields(), "age"}
    stored = components["StoredPersonInputRequest"]["properties"]
    assert set(stored) == {"ref", *Profile.person_fields()}
    assert person["graduated_on"]["format"] == "date"
    assert {"$ref": "#/components/schemas/DegreeEnum"} in person["degree"]["oneOf"]
    assert "master" in components["DegreeEnum"]["enum"]
    loan = components["LoanInputRequest"]["properties"]
    assert re.match(loan["amount"]["pattern"], "3000000.00")
    assert not re.match(loan["amount"]["pattern"], "-1.00")


def test_it_serves_swagger_ui_from_local_assets() -> None:
    page = Client().get("/api/docs/")
    script = Client().get("/api/docs/?script=")

    assert page.status_code == 200 and script.status_code == 200
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and not [a for a in assets if a.startswith(("http:", "https:", "//"))]
    assert "<script>" not in html  # no inline script: the page works under script-src 'self'
    for asset in assets:
        if asset.startswith("/static/"):
            assert finders.find(asset.removeprefix("/static/")), asset
    assert "/api/schema/" in script.content.decode()


def test_it_serves_redoc_from_local_assets() -> None:
    html = Client().get("/api/redoc/").content.decode()

    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets == [
        "/static/drf_spectacular_sidecar/swagger-ui-dist/favicon-32x32.png",
        "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js",
    ]
    assert all(finders.find(asset.removeprefix("/static/")) for asset in assets)
    assert "<script>" not in html
    assert 'spec-url="/api/schema/"' in html


# gunicorn refuses a request line (method, URL, version) over 4,094 bytes with 414.
GUNICORN_REQUEST_LINE = 4094


def _longest(schema: dict) -> int:
    """Bytes of the longest value a parameter schema admits, percent-encoded."""
    if "enum" in schema:
        return max(len(str(value)) for value in schema["enum"])
    kind = schema.get("type")
    if kind == "integer":
        return len(str(schema["maximum"]))  # KeyError: an unbounded integer parameter
    if schema.get("format") == "date":
        return len("2026-01-01")
    return schema["maxLength"] * 12  # up to 4 UTF-8 bytes a character, each %XX


def test_it_bounds_every_parameter_so_that_no_valid_url_outgrows_the_request_line() -> None:
    # #12.15: a schema-valid request answered 414 by gunicorn (an unbounded slug).
    schema = Client().get("/api/schema/?format=json").json()

    for path, item in schema["paths"].items():
        for method, operation in item.items():
            params = operation.get("parameters", [])
            length = len(f"{method.upper()} ") + len(path) + len(" HTTP/1.1")
            for param in params:
                if param["in"] == "path":
                    length += _longest(param["schema"])
                elif param["in"] == "query":
                    length += len(param["name"]) + 2 + _longest(param["schema"])
            assert length < GUNICORN_REQUEST_LINE, (method, path, length)
