"""An editor changes an age limit with the structured editor (no YAML), previews the named
rows, a publisher publishes and reads the change as sentences; axe on the curator's pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from policy_match.models import Match
from tests.browser.support import assert_accessible, assert_no_horizontal_scroll

from .conftest import Login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SLUG = "key-industry-startup-talent-award"


def _checked(page: Page, name: str) -> None:
    """No serious or critical axe finding, no sideways scroll at 1280 px; a screenshot."""
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    shot(page, name)


def _open_measure(page: Page) -> None:
    page.goto("/admin/policies/policy/")
    page.locator("#searchbar").fill(SLUG)
    page.get_by_role("button", name="搜索").click()
    _checked(page, "policy-list")
    page.get_by_role("link", name=SLUG).click()


def test_an_editor_changes_an_age_limit_and_a_publisher_publishes_it(login: Login) -> None:
    page = login("editor")
    _open_measure(page)
    _checked(page, "policy")
    page.get_by_role("button", name="创建草稿并编辑").click()

    age = page.get_by_label("年龄（值）")
    expect(age).to_have_value("45")
    age.fill("50")
    page.get_by_role("button", name="保存并继续编辑").first.click()

    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator("#pm-live-sentences")).to_contain_text("年龄不超过 50 岁")
    expect(page.get_by_label("年龄（值）")).to_have_value("50")
    _checked(page, "structured-editor")
    shot(page, "structured-editor-rows", "#pm-rule-editor")

    page.get_by_label("年龄（值）").fill("fifty")
    page.get_by_role("button", name="保存并继续编辑").first.click()
    expect(page.locator(".pm-row-errors")).to_have_text("年龄：应为整数")
    shot(page, "structured-editor-error")
    page.get_by_label("年龄（值）").fill("50")

    page.get_by_role("link", name="预览影响").click()
    expect(page.locator("#pm-gain-count")).not_to_have_text("")
    subjects = page.locator("#pm-gain-table tbody tr td:nth-child(3)").all_inner_texts()
    assert subjects and all(s and s != "—" for s in subjects)
    codes = page.locator("#pm-gain-table tbody tr td:nth-child(2)").all_inner_texts()
    assert all(code.startswith("9144") for code in codes)
    _checked(page, "preview-named")

    publisher = login("publisher")
    _open_measure(publisher)
    publisher.get_by_role("link", name="发布", exact=True).click()
    publisher.get_by_role("button", name="确认发布").click()
    expect(publisher.locator(".messagelist .success")).to_contain_text(f"已发布 {SLUG}")

    publisher.get_by_role("link", name="历史与版本对比").click()
    publisher.get_by_label("旧版本").select_option(index=1)
    publisher.get_by_role("button", name="对比").click()
    row = publisher.locator("#pm-changes tr", has_text="年龄不超过 50 岁")
    expect(row.locator("del")).to_have_text("年龄不超过 45 岁")
    expect(row.locator("ins")).to_have_text("年龄不超过 50 岁")
    trail = publisher.locator("#pm-trail").inner_text()
    assert "{'" not in trail and "— → —" not in trail
    _checked(publisher, "history-sentences")


def test_a_stored_match_explains_itself_and_the_office_pages_pass_axe(login: Login) -> None:
    page = login("publisher")
    match = Match.objects.filter(status="eligible").select_related("enterprise").first()
    assert match is not None

    page.goto(f"/admin/policy_match/match/{match.pk}/change/")
    record = page.locator("#pm-record")
    expect(record).to_contain_text("由第")
    expect(record.locator("li").first).to_be_visible()
    shot(page, "match-record")

    page.goto(f"/admin/enterprises/enterprise/{match.enterprise_id}/change/")
    expect(page.locator("#pm-matches")).to_contain_text("符合")
    _checked(page, "enterprise")

    page.goto("/admin/policy_match/match/dashboard/")
    expect(page.locator("#pm-unclaimed")).not_to_have_text("0.00")
    _checked(page, "dashboard-takeup")
