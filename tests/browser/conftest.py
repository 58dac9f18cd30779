"""Playwright on Debian's chromium against pytest-django's live server (design §9).

A missing browser fails these tests, never skips them: `make browser` installs it. Every page
a test visits is checked with axe-core (serious and critical violations fail) and photographed
at 1280 and 360 px into test-artifacts/ (tests/browser/support.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from policies.catalogue import catalogue_load

from .support import DESKTOP

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One chromium for the browser tests, closed after them (its event loop with it)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no chromium at {CHROMIUM}: run `make browser` (Debian's chromium)")
    # Playwright's sync API runs an event loop in this thread, which Django takes for async
    # code; the ORM calls the tests make between browser steps are plain synchronous code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def site(live_server: Any, seeds_dir: Path) -> str:
    """The live server's address, with the real catalogue loaded."""
    catalogue_load(directory=seeds_dir)
    return str(live_server.url)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP, reduced_motion="reduce")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
