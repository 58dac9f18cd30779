"""Helpers of the browser tests: axe-core and screenshots on every page, money as read."""

from __future__ import annotations

import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 780}
FAILING_IMPACTS = {"serious", "critical"}
# WCAG 2.2 A/AA and axe's best practices (axe's "experimental" rules are run by hand: they change
# between axe releases).
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
}
_axe = Axe()


def check_page(page: Page, name: str, *, phone: bool = True) -> None:
    """axe-core finds no serious or critical violation; screenshots at 1280 (and 360) px."""
    for viewport in [DESKTOP, PHONE] if phone else [DESKTOP]:
        page.set_viewport_size(viewport)
        assert_accessible(page)
        assert_no_horizontal_scroll(page)
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}-{viewport['width']}.png"
        page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(DESKTOP)


def assert_accessible(page: Page) -> None:
    results = _axe.run(page, options=AXE_OPTIONS)
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in results.response["violations"]
        if v["impact"] in FAILING_IMPACTS
    ]
    assert violations == [], f"axe on {page.url}:\n" + "\n".join(violations)


def assert_no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size or DESKTOP
    assert width <= viewport["width"], f"{page.url} scrolls sideways at {viewport['width']} px"


def money(text: str) -> str:
    """'744,500 元' / '744,500 yuan' → '744500' (what a reader would copy down)."""
    return re.sub(r"[^\d.]", "", text)
