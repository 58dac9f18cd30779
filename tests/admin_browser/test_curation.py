"""A staff member changes the cap and one criterion of a measure, previews, and publishes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from enterprises.models import Enterprise
from policies.models import Policy
from policies.services import policy_version_draft
from policy_match.models import Match

from .conftest import Login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SLUG = "open-source-ecosystem-support"
NAME = "开源生态综合支持"
GAIN = ["深圳市灵犀机器人科技有限公司", "深圳市芯跃微电子股份有限公司",
        "深圳市精研智能装备股份有限公司", "深圳市衡康生物医药科技有限公司"]  # fmt: skip
LOSE = ["深圳市像素纪元网络科技有限公司"]
CHANGE = "深圳市智元星图人工智能有限公司"


def _open_measure(page: Page) -> None:
    page.goto("/admin/policies/policy/")
    page.locator("#searchbar").fill("开源")
    page.get_by_role("button", name="搜索").click()
    page.get_by_role("link", name=SLUG).click()


def _open_yaml(page: Page) -> None:
    if not page.get_by_label("申报条件（规则）").is_visible():
        page.locator("fieldset details summary", has_text="YAML").click()


def _names(page: Page, table: str) -> list[str]:
    return page.locator(f"#pm-{table}-table tbody tr td:first-child").all_inner_texts()


def test_it_rejects_an_invalid_rule_then_saves_the_fix_and_previews_its_impact(
    login: Login,
) -> None:
    page = login("editor")
    _open_measure(page)
    page.get_by_role("button", name="创建草稿并编辑").click()
    _open_yaml(page)  # the advanced view of the draft
    rule = page.get_by_label("申报条件（规则）")
    original = rule.input_value()

    rule.fill(original.replace("participates_open_source", "is_strategic_emergent"))
    page.get_by_role("button", name="保存并继续编辑").click()

    error = page.locator(".field-rule .errorlist")
    expect(error).to_have_text("rule.all[0].fact: 未知的事实“is_strategic_emergent”")
    shot(page, "draft-invalid-rule")

    _open_yaml(page)
    page.get_by_label("申报条件（规则）").fill(
        original.replace("participates_open_source", "is_strategic_emerging")
    )
    page.get_by_label("最高金额（元）").fill("8000000")
    page.get_by_role("button", name="保存并继续编辑").click()

    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator("#pm-live-sentences")).to_contain_text("是否属于战略性新兴产业为 是")
    shot(page, "draft-saved")

    page.get_by_role("link", name="预览影响").click()

    expect(page.locator("#pm-gain-count")).to_have_text("4")
    assert sorted(_names(page, "gain")) == sorted(GAIN)
    assert _names(page, "lose") == LOSE
    change = page.locator("#pm-change-table tbody tr")
    expect(change).to_have_count(1)
    expect(change).to_contain_text(CHANGE)
    expect(change.locator("td.pm-num")).to_have_text(["10,000,000.00", "8,000,000.00"])
    expect(page.locator("#pm-money")).to_have_text("20,000,000.00 → 40,000,000.00")
    shot(page, "preview")

    page.get_by_role("link", name="发布…").click()

    expect(page.locator("#pm-refused")).to_contain_text("您没有发布权限")
    expect(page.locator("#pm-publish")).to_have_count(0)
    shot(page, "publish-refused")


def test_it_publishes_as_a_publisher_and_every_enterprise_sees_the_change(
    login: Login,
) -> None:
    measure = Policy.objects.get(slug=SLUG)
    draft = policy_version_draft(policy=measure)
    draft.rule["all"][0] = {"fact": "is_strategic_emerging", "op": "eq", "value": True}
    draft.cap = 8_000_000
    draft.save()
    pixel = Enterprise.objects.get(name=LOSE[0])
    assert Match.objects.get(enterprise=pixel, policy=measure).status == "eligible"
    page = login("publisher")
    _open_measure(page)

    page.get_by_role("link", name="发布", exact=True).click()
    shot(page, "publish-confirm")
    page.get_by_role("button", name="确认发布").click()

    expect(page.locator(".messagelist .success")).to_contain_text(f"已发布 {SLUG} v2")
    expect(page.locator(".pm-run .pm-progress").first).to_have_text("1 / 1")
    expect(page.locator(".fieldBox.field-current_version_link")).to_contain_text(f"{SLUG} v2")
    shot(page, "published")

    page.get_by_role("link", name="历史与版本对比").click()
    page.get_by_label("旧版本").select_option(label="v1 · 已被取代")
    page.get_by_role("button", name="对比").click()
    expect(page.locator("#pm-changes")).to_contain_text("10,000,000 元")
    expect(page.locator("#pm-trail tbody tr").first).to_contain_text("publisher")
    shot(page, "history")

    for name, status, amount in [(LOSE[0], "不符合", "—"), (GAIN[0], "符合", "8,000,000.00")]:
        page.goto("/admin/enterprises/enterprise/")
        page.get_by_role("link", name=name).click()
        row = page.locator(f'tr.pm-match[data-policy="{SLUG}"]')
        expect(row.locator("td").nth(2)).to_have_text(re.compile(status))
        expect(row.locator(".pm-amount")).to_have_text(amount)
    shot(page, "enterprise-matches", "fieldset:has(#pm-matches)")

    page.goto("/admin/policy_match/match/dashboard/")
    row = page.locator("#pm-dashboard tr", has_text=NAME)
    expect(row.locator("td.pm-num").first).to_have_text("5")
    shot(page, "dashboard")


def test_it_imports_catalogue_files_only_when_every_file_passes(
    login: Login, seeds_dir: Path, tmp_path: Path
) -> None:
    seed = (seeds_dir / "policies" / "talent-living-subsidy-master.yaml").read_text("utf-8")
    good = tmp_path / "talent-living-subsidy-master.yaml"
    good.write_text(seed.replace("cap: 50000", "cap: 60000"), encoding="utf-8")
    broken = tmp_path / "loan-rd.yaml"
    broken.write_text(
        (seeds_dir / "policies" / "loan-rd.yaml").read_text("utf-8").replace("op: eq", "op: lt", 1),
        encoding="utf-8",
    )
    page = login("publisher")
    page.goto("/admin/policies/policy/")
    page.get_by_role("link", name="导入目录").click()

    page.get_by_label("目录文件").set_input_files([str(good), str(broken)])
    page.get_by_role("button", name="检查文件").click()

    expect(page.locator("#pm-import-results")).to_contain_text("rule.all[0].op: 运算符“lt”")
    expect(page.locator("#pm-import-invalid")).to_be_visible()
    expect(page.locator("#pm-apply")).to_have_count(0)
    shot(page, "import-invalid")

    page.get_by_label("目录文件").set_input_files([str(good)])
    page.get_by_role("button", name="检查文件").click()
    expect(page.locator("#pm-import-results")).to_contain_text("通过：更新（生成新版本）")
    page.get_by_role("button", name="全部导入").click()

    expect(page.locator(".messagelist .success")).to_contain_text("更新 1 项")
    current = Policy.objects.get(slug="talent-living-subsidy-master").current_version
    assert current is not None and current.cap == 60000
