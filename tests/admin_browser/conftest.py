"""Staff flows in the admin, in Debian's chromium through Playwright, on the live server.

A missing browser fails these tests, never skips them (`make browser` installs it). Celery runs
eagerly here, so a publish re-matches before its response; tests/e2e covers real workers.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from playwright.sync_api import Browser, Page, sync_playwright

from enterprises.models import Enterprise
from policy_match.services import match_enterprise

# Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
# between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "a-long-staff-password-1"

Login = Callable[[str], Page]


# Package scope, not session: Playwright's sync API allows one running instance per thread, and
# tests/browser starts its own (session-scoped) after this package has finished.
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no chromium at {CHROMIUM}: run `make browser` (Debian's chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def site(live_server: Any, seeds_dir: Path) -> str:
    """The live server with the catalogue, the demo enterprises (matched) and two staff."""
    call_command("load_catalogue", str(seeds_dir), stdout=io.StringIO())
    call_command("seed_demo", str(seeds_dir / "demo_enterprises.yaml"), stdout=io.StringIO())
    call_command("create_staff_groups", stdout=io.StringIO())
    for enterprise in Enterprise.objects.all():
        match_enterprise(enterprise=enterprise)
    for name in ("editor", "publisher"):
        user = User.objects.create_user(name, f"{name}@example.com", PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=name))
    return str(live_server.url)


@pytest.fixture
def login(browser: Browser, site: str) -> Iterator[Login]:
    """A page of a staff member signed in through the admin's login form (Chinese browser)."""
    contexts = []

    def sign_in(username: str) -> Page:
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="zh-CN", base_url=site
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/admin/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url("**/admin/")
        return page

    yield sign_in
    for context in contexts:
        context.close()


def shot(page: Page, name: str, selector: str | None = None) -> None:
    """A full-page (or one element's) screenshot for review, in test-artifacts/ (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = str(ARTIFACTS / f"admin-{name}.png")
    if selector:
        page.locator(selector).screenshot(path=path)
    else:
        page.screenshot(path=path, full_page=True)
