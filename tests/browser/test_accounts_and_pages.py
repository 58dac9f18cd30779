"""Accounts (sign up, saved profile, notification) and the pages outside the profile form."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from enterprises.models import Enterprise
from policy_match.models import Match

from .founder import Founder, years_ago
from .support import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "lanting-robot-2026"


def test_it_saves_a_signed_up_startups_profile_and_shows_its_stored_matches(
    site: str, page: Page
) -> None:
    founder = Founder(page, "zh-hans")
    today = timezone.localdate()
    page.goto(site + "/accounts/signup/")
    check_page(page, "zh-hans-8-signup")
    page.get_by_label("电子邮箱").fill("Founder@Example.com")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("密码确认").fill(PASSWORD)
    page.get_by_role("button", name="注册").click()

    founder.choose("registered_district", founder.choice_label("registered_district", "nanshan"))
    founder.type("registered_on", years_ago(1, 30, today=today).isoformat())
    founder.choose("industry", founder.choice_label("industry", "ai"))
    founder.tick("has_bad_credit", "no")
    founder.press("skip")

    enterprise = Enterprise.objects.get(owner__email="founder@example.com")
    assert enterprise.industry == "ai"
    assert Match.objects.filter(enterprise=enterprise, status="eligible").exists()
    assert [m.to for m in mail.outbox] == [["founder@example.com"]]  # the saved results
    expect(page.get_by_text("结果已保存到您的账户")).to_be_visible()
    stored = page.locator("article[data-status=eligible]").count()
    assert stored == Match.objects.filter(enterprise=enterprise, status="eligible").count()

    page.get_by_role("button", name="退出登录").click()
    page.goto(site + "/accounts/login/")
    check_page(page, "zh-hans-9-login")
    page.get_by_label("电子邮箱").fill("founder@example.com")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    assert page.url == site + "/results/"
    assert page.locator("article[data-status=eligible]").count() == stored
    page.get_by_role("link", name="修改信息").click()
    page.get_by_role("link", name="企业情况", exact=True).click()
    expect(founder.field("industry")).to_have_value("ai")


def test_it_sends_a_password_reset_link_that_sets_a_new_password(site: str, page: Page) -> None:
    page.goto(site + "/en/accounts/signup/")
    page.get_by_label("E-mail").fill("reset@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.get_by_role("button", name="Sign out").click()

    page.goto(site + "/en/accounts/password-reset/")
    check_page(page, "en-10-password-reset")
    page.get_by_label("E-mail").fill("reset@example.com")
    page.get_by_role("button", name="Send the link").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/reset/" in line)
    assert "/en/accounts/reset/" in link
    page.goto(link.strip())
    page.get_by_label("New password", exact=True).fill("another-robot-2027")
    page.get_by_label("New password confirmation").fill("another-robot-2027")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Password changed")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_it_lists_the_published_measures_filters_them_and_shows_one(
    site: str, page: Page, language: str
) -> None:
    prefix = "" if language == "zh-hans" else "/en"
    page.goto(site + prefix + "/measures/")
    check_page(page, f"{language}-11-measures")
    everything = page.locator(".measure-item").count()

    page.get_by_label("类别" if language == "zh-hans" else "Category").select_option("finance")
    page.get_by_role("button", name="筛选" if language == "zh-hans" else "Filter").click()

    finance = page.locator(".measure-item")
    assert 0 < finance.count() < everything
    assert "category=finance" in page.url
    finance.get_by_role("link").first.click()
    expect(page.locator(".criteria").first).to_be_visible()
    check_page(page, f"{language}-12-measure")
