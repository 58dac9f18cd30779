"""schemathesis against our own OpenAPI schema, in process (WSGI), with a valid partner key.

Every operation gets generated requests (schemathesis' coverage phase: boundary and wrong
values for each field; then random ones): no response may be a 5xx, every response must match
the schema (status code, content type, headers, body), and every schema-valid request must be
accepted. Random schema-valid requests for /enterprises/{id}/… use an enterprise that exists.

Not checked here:
- that every schema-invalid request is refused: the API is lenient on purpose where the schema
  states one canonical form ("" means unknown like null, an empty filter is no filter, "8" is
  accepted for an integer and a JSON number for money);
- that a request without the key is refused (schemathesis' ignored_auth probes would double
  the run): test_auth.py asks every operation without a key.
"""

import itertools
import json
import os
from collections import Counter
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from stdnum.cn import uscc

from enterprises.models import PartnerAPIKey
from enterprises.services import enterprise_save_profile
from policy_match.profile import Profile
from policy_match.services import match_enterprise
from tests.conftest import REPO
from tests.factories import PartnerFactory

ARTIFACTS = REPO / "test-artifacts"
# Loaded at import through the WSGI app (no network; the schema view needs no database).
# schemathesis.pytest.from_fixture would load it per test, but does not run on pytest 9.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
CASES: Counter[tuple[str, str]] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _record_case_counts() -> Iterator[None]:
    """Writes how many cases each operation and phase got to test-artifacts/ (for review)."""
    yield
    ARTIFACTS.mkdir(exist_ok=True)
    counts = {f"{op} [{phase}]": n for (op, phase), n in sorted(CASES.items())}
    report = {"total": sum(CASES.values()), "cases": counts}
    (ARTIFACTS / "schemathesis-cases.json").write_text(json.dumps(report, indent=2))


@pytest.fixture
def _test_connection_stays_open() -> Iterator[None]:
    """The real WSGI handler closes the database connection after each request, which would
    close the test's transaction (Django's own test client switches this off the same way)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def partner_call(
    db: None, catalogue: None, settings: Any, _test_connection_stays_open: None
) -> tuple[dict[str, str], int]:
    """The key header of a partner that owns one enterprise (with its matches), and its id."""
    settings.API_THROTTLE_RATE = "100000/minute"  # generated traffic is not a flood
    settings.WEBHOOK_ALLOW_PRIVATE = True  # endpoints on 127.0.0.1: no name server needed
    partner = PartnerFactory()
    _api_key, key = PartnerAPIKey.objects.create_key(name="fuzz", partner=partner)
    profile = Profile.from_data(
        {
            "enterprise": {"registered_district": "nanshan", "registered_on": "2024-03-01"},
            "people": [{"ref": "p1", "degree": "master"}],
            "loans": [{"ref": "l1", "product": "rd_loan", "amount": "1000000.00"}],
        }
    )
    enterprise = enterprise_save_profile(profile=profile, name="样例企业", partner=partner)
    match_enterprise(enterprise=enterprise)
    return {"Authorization": f"Api-Key {key}"}, enterprise.pk


_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _with_check_digit(code: str) -> str:
    return code + uscc.calc_check_digit(code)


# Format `uscc`: valid 统一社会信用代码, 17 characters and their check digit.
schemathesis.openapi.format(
    "uscc",
    st.tuples(
        st.text("0123456789", min_size=8, max_size=8), st.text(_ALPHABET, min_size=9, max_size=9)
    )
    .map("".join)
    .map(_with_check_digit),
)
_FRESH = itertools.count(1)


def _keep_to_what_no_schema_can_say(body: dict[str, Any]) -> None:
    """Rules of a valid request that JSON Schema cannot state: a credit code is unique among
    the partner's enterprises; refs are unique within people and within loans; a registration
    date is not after the evaluation date. Applied to
    schema-valid requests only (the negative ones must stay as generated)."""
    if isinstance(body.get("credit_code"), str) and body["credit_code"]:
        # A valid code, as generated, but one no other case has used.
        body["credit_code"] = _with_check_digit(f"91440300{next(_FRESH):09d}")
    # A company is not registered, nor a person born, after the evaluation date (as_of, else
    # today).
    as_of = body.get("as_of") if isinstance(body.get("as_of"), str) else None
    latest = min(as_of or "9999-12-31", date.today().isoformat())
    dated = [(body.get("enterprise"), "registered_on")]
    if isinstance(body.get("people"), list):
        dated += [(person, "born_on") for person in body["people"]]
    for values, name in dated:
        if isinstance(values, dict) and isinstance(values.get(name), str) and values[name] > latest:
            values[name] = latest
    _an_application_the_enterprise_can_have(body)
    if isinstance(body.get("profiles"), list):  # a batch: refs unique within it
        for index, item in enumerate(body["profiles"]):
            if isinstance(item, dict):
                item["ref"] = f"b{index}"
    if isinstance(body.get("profile"), dict):  # compare: its profile, dated by the outer as_of
        profile = body["profile"]
        profile["as_of"] = body.get("as_of")
        _keep_to_what_no_schema_can_say(profile)
        del profile["as_of"]
    if isinstance(body.get("changes"), list) and "profile" in body:
        # A change names a fact the profile can take, for a person or loan it has, with a
        # value of the fact's type: one valid change stands for them.
        body["changes"] = [{"fact": "registered_district", "value": "nanshan"}]
    if isinstance(body.get("url"), str):
        # An endpoint that needs no name server (the tests allow loopback; see partner_call).
        body["url"] = f"https://127.0.0.1/hooks/{next(_FRESH)}"
    for key, prefix in (("people", "p"), ("loans", "l")):
        items = body.get(key)
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            continue
        refs = [repr(item.get("ref") or f"{prefix}{n + 1}") for n, item in enumerate(items)]
        if len(set(refs)) < len(refs):
            for n, item in enumerate(items):
                item["ref"] = f"{prefix}{n + 1}"


def _an_application_the_enterprise_can_have(body: dict[str, Any]) -> None:
    """An application is of a published measure and a subject the enterprise has, with the
    values its status states and requires, in date order, none after today, and a reason
    of visible text: what the store and the transitions decide, which no schema can say."""
    status = body.get("status")
    if not isinstance(status, str):
        return
    if "policy" in body:
        body["policy"], body["subject"] = "talent-living-subsidy-master", "p1"
    today = date.today().isoformat()
    stated = {
        "applied": {"applied_on"},
        "awarded": {"applied_on", "awarded_amount"},
        "paid": {"applied_on", "awarded_amount", "paid_amount", "paid_on"},
        "rejected": {"applied_on", "reason"},
    }.get(status, set())
    for name in ("applied_on", "awarded_amount", "paid_amount", "paid_on", "reason"):
        if name not in stated:
            body.pop(name, None)
    required = {"applied_on": today, "paid_on": today, "awarded_amount": "10000",
                "paid_amount": "10000", "reason": "名额已满"}  # fmt: skip
    needs = {"applied": ("applied_on",), "awarded": ("awarded_amount",),
             "paid": ("paid_amount", "paid_on"), "rejected": ("reason",)}  # fmt: skip
    for name in needs.get(status, ()):
        if not body.get(name):
            body[name] = required[name]
    if "reason" in body:
        body["reason"] = "名额已满"
    for name in ("awarded_amount", "paid_amount"):
        if name in body and (not isinstance(body[name], str) or Decimal(body[name]) <= 0):
            body[name] = "10000"  # an award or a payment of nothing is none
    for name in ("applied_on", "paid_on"):
        if isinstance(body.get(name), str) and body[name] > today:
            body[name] = today
    if isinstance(body.get("paid_on"), str) and isinstance(body.get("applied_on"), str):
        body["paid_on"] = max(body["paid_on"], body["applied_on"])


# Random cases per operation after the coverage phase; CI's size fits its time limit (about a
# minute a database). SCHEMATHESIS_MAX_EXAMPLES=2000 for a longer hunt by hand.
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES") or 150)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_it_conforms_to_its_schema(
    case: schemathesis.Case, partner_call: tuple[dict[str, str], int]
) -> None:
    headers, enterprise_id = partner_call
    meta = case.meta
    CASES[(case.operation.label, str(meta.phase.name.value) if meta else "?")] += 1
    # Valid random requests go to the enterprise that exists. Not the coverage phase's: its
    # hundreds of fact-by-fact PATCH bodies repeat what POST /match/ and POST /enterprises/
    # already cover, at the price of a save and a match each.
    real = meta is not None and meta.generation.mode.is_positive and meta.phase.name != "coverage"
    if real and case.path_parameters and "id" in case.path_parameters:
        case.path_parameters["id"] = enterprise_id
    positive = meta is not None and meta.generation.mode.is_positive
    if positive and isinstance(case.body, dict):
        _keep_to_what_no_schema_can_say(case.body)
    if positive and case.headers:
        # A schema-valid If-Match names some revision; only the current one may be written
        # (the enterprise and concurrency tests cover 412 and 304).
        for name in ("If-Match", "If-None-Match"):
            case.headers.pop(name, None)
    case.call_and_validate(headers=headers)
