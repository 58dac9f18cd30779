import re

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from policies.models import Policy, PolicyStatus, SubjectType

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-password-1"


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


def _inline_scripts(html: str) -> list[str]:
    """<script> elements that run code without a src (JSON data blocks do not run)."""
    tags = re.findall(r"<script\b[^>]*>", html)
    return [t for t in tags if "src=" not in t and "application/json" not in t]


@pytest.fixture
def superuser() -> User:
    return User.objects.create_superuser("staff", "staff@example.com", PASSWORD)


def test_it_sends_a_content_security_policy_without_inline_script(client: Client) -> None:
    response = client.get("/admin/login/")

    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["default-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_it_sends_the_security_headers(client: Client) -> None:
    response = client.get("/admin/login/")

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize("page", ["index", "policy change"])
def test_it_serves_the_admin_under_the_policy(client: Client, superuser: User, page: str) -> None:
    policy = Policy.objects.create(
        slug="csp-check",
        category="funding",
        subject=SubjectType.ENTERPRISE,
        status=PolicyStatus.DRAFT,
    )
    url = {"index": "/admin/", "policy change": f"/admin/policies/policy/{policy.pk}/change/"}
    client.force_login(superuser)

    response = client.get(url[page])

    assert response.status_code == 200
    assert "Content-Security-Policy" in response
    html = response.content.decode()
    assert _inline_scripts(html) == []
    # Every script from our own origin, as script-src 'self' demands.
    sources = re.findall(r"<script\b[^>]*\bsrc=\"([^\"]+)\"", html)
    assert sources
    assert all(src.startswith("/") and not src.startswith("//") for src in sources)


def test_it_marks_session_and_csrf_cookies_secure(client: Client, superuser: User) -> None:
    csrf = client.get("/admin/login/").cookies["csrftoken"]

    response = client.post(
        "/admin/login/?next=/admin/", {"username": "staff", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert csrf["secure"] is True
    assert response.cookies["sessionid"]["secure"] is True
    assert response.cookies["sessionid"]["httponly"] is True


def test_it_locks_the_admin_login_after_repeated_failures(
    client: Client, superuser: User, settings
) -> None:
    wrong = {"username": "staff", "password": "not-the-password"}
    before_limit = [
        client.post("/admin/login/", wrong).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT - 1)
    ]

    client.post("/admin/login/", wrong)
    locked = client.post("/admin/login/", {"username": "staff", "password": PASSWORD})

    assert before_limit == [200] * (settings.AXES_FAILURE_LIMIT - 1)  # the form, with an error
    assert locked.status_code == 429
    assert "too many login attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_rejects_weak_passwords() -> None:
    with pytest.raises(ValidationError) as error:
        validate_password("12345678")

    codes = {e.code for e in error.value.error_list}
    assert {"password_too_common", "password_entirely_numeric"} <= codes
