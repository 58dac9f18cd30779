"""A founder fills the profile form in a browser and reads the results (design §8)."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from .founder import Founder, fill_robotics_startup
from .support import check_page, money

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The robotics startup of docs/examples/robotics-startup.yaml, dated from today. Its figures,
# worked out by hand from the catalogue (seeds/policies/):
#   talent-living-subsidy-master        cap                                      50,000.00
#   ip-pledge-financing-subsidy         0.70 × (3,000,000 × 0.035 + 30,000 + 0)   94,500.00
#   key-industry-startup-talent-award   cap (master's founder, age 27)          600,000.00
#   total                                                                       744,500.00
# and undetermined with an amount: hte-cultivation-support (1,000,000, is it a 国高?) and the
# talent-experience-voucher (520, has the person a talent tier?): could unlock 1,000,520.00.
ELIGIBLE = {
    "hundred-billion-financing-plan",
    "ip-pledge-financing-subsidy",
    "joint-incubation",
    "key-industry-startup-talent-award",
    "lifecycle-one-stop-service",
    "office-moliying-rent-free",
    "office-zero-rent-accelerator",
    "scenario-opening-appeal-channel",
    "talent-living-subsidy-master",
    "youth-pilot-startup-team",
}
AMOUNTS = {
    "talent-living-subsidy-master": "50000",
    "ip-pledge-financing-subsidy": "94500",
    "key-industry-startup-talent-award": "600000",
}


def read_results(page: Page) -> tuple[set[str], str, str]:
    eligible = page.locator("#claim article[data-status=eligible]")
    slugs = {eligible.nth(i).get_attribute("data-slug") or "" for i in range(eligible.count())}
    total = page.get_by_test_id("total-amount").inner_text()
    unlock = page.get_by_test_id("could-unlock").inner_text()
    return slugs, total, unlock


@pytest.mark.parametrize(
    ("language", "start", "currency"),
    [("zh-hans", "/", "元"), ("en", "/en/", "yuan")],
)
def test_it_shows_a_robotics_startup_its_measures_and_total(
    site: str, page: Page, language: str, start: str, currency: str
) -> None:
    founder = Founder(page, language)
    today = timezone.localdate()
    page.goto(site + start)
    check_page(page, f"{language}-0-home")
    page.get_by_role("link", name="开始匹配" if language == "zh-hans" else "Start").click()

    fill_robotics_startup(founder, today, photos=language)
    expect(page.get_by_text("南山灵巧机器人有限公司")).to_be_visible()  # the review lists it
    check_page(page, f"{language}-4-review")
    founder.press("results")

    slugs, total, unlock = read_results(page)
    assert slugs == ELIGIBLE
    assert (money(total), money(unlock)) == ("744500", "1000520")
    assert total.endswith(currency)
    for slug, amount in AMOUNTS.items():
        card = page.locator(f"#claim article[data-slug={slug}]")
        assert money(card.get_by_test_id("amount").inner_text()) == amount
    check_page(page, f"{language}-5-results")


def test_it_keeps_answers_when_going_back_and_switches_language_in_place(
    site: str, page: Page
) -> None:
    founder = Founder(page, "zh-hans")
    page.goto(site + "/profile/")
    founder.choose("industry", founder.choice_label("industry", "robotics"))
    founder.press("next")
    founder.press("add_person")
    founder.choose("degree", founder.choice_label("degree", "phd"), "#row-people-0")
    founder.field("born_on", "#row-people-0").fill("1993-05")
    founder.field("born_on", "#row-people-0").press("Enter")  # Enter: "next", not "remove"
    assert page.url == site + "/profile/loans/"

    founder.press("previous")
    expect(founder.field("born_on", "#row-people-0")).to_have_value("1993-05")
    founder.press("previous")
    page.get_by_test_id("language-switch").click()

    english = Founder(page, "en")
    assert page.url == site + "/en/profile/enterprise/"
    expect(english.field("industry")).to_have_value("robotics")
    expect(page.get_by_role("heading", level=1)).to_have_text("About the enterprise")
    english.press("next")
    expect(english.field("degree", "#row-people-0")).to_have_value("phd")


def test_it_lists_every_measure_as_undetermined_with_its_questions_for_an_empty_form(
    site: str, page: Page
) -> None:
    founder = Founder(page, "zh-hans")
    page.goto(site + "/profile/")
    founder.press("skip")  # a founder who will not say leaves every question open

    assert page.locator("article[data-status=eligible]").count() == 0
    assert page.locator("article[data-status=ineligible]").count() == 0
    assert page.locator("#open article[data-status=undetermined]").count() > 0
    assert money(page.get_by_test_id("total-amount").inner_text()) == "0"
    first = page.locator("#ask .step-item a").first
    expect(first).to_have_text(founder.label("registered_district"))
    check_page(page, "zh-hans-6-results-empty")

    first.click()

    assert "/profile/enterprise/?focus=registered_district" in page.url
    expect(founder.field("registered_district")).to_be_focused()
    founder.choose("registered_district", founder.choice_label("registered_district", "nanshan"))
    page.get_by_role("button", name="保存并返回结果").click()
    assert page.url == site + "/results/"


def test_it_shows_a_bad_date_next_to_its_field_and_keeps_the_other_answers(
    site: str, page: Page
) -> None:
    founder = Founder(page, "en")
    page.goto(site + "/en/profile/")
    founder.choose("registered_district", founder.choice_label("registered_district", "nanshan"))
    founder.type("registered_on", "2024-02-30")
    founder.type("employee_count", "12")

    founder.press("next")

    assert page.url.endswith("/en/profile/enterprise/")
    field = page.locator("#field-enterprise-registered_on")
    expect(field.locator(".field__error")).to_contain_text("Enter the date as year-month-day")
    expect(founder.field("registered_on")).to_have_value("2024-02-30")
    expect(founder.field("registered_on")).to_have_attribute("aria-invalid", "true")
    expect(founder.field("registered_district")).to_have_value("nanshan")
    expect(founder.field("employee_count")).to_have_value("12")
    expect(page.get_by_role("alert")).to_contain_text("Date of incorporation")
    check_page(page, "en-7-bad-date")

    founder.type("registered_on", "2024/3/1")
    founder.press("next")

    assert page.url.endswith("/en/profile/people/")
