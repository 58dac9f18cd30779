"""Three founders read their results in both languages (#15): what to claim, what is within
reach, what to answer, what does not apply; on paper within four A4 pages."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from .founder import Founder, fill_robotics_startup, years_ago
from .support import DESKTOP, PHONE, check_page, money

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = [("zh-hans", ""), ("en", "/en")]
HEADINGS = {
    "zh-hans": {
        "claim": "可以申报",
        "reach": "再做一步就能符合",
        "ask": "回答这些问题即可知道",
        "open": "待确定的政策",
        "ineligible": "不适用于您",
        "entitled": "现在可以申领",
        "competitive": "可以申报的竞争性资助",
        "competitive_label": "评审类：择优评审，金额为上限，并非一定获得",
        "back": "保存并返回结果",
        "people_hint": "项政策按人员计算",
        "try": "试试改一个回答",
        "see": "看看会怎样",
    },
    "en": {
        "claim": "Claim these",
        "reach": "Within reach",
        "ask": "Answer to find out",
        "open": "Still open",
        "ineligible": "Not for you",
        "entitled": "You can claim now",
        "competitive": "Competitive grants you can apply for",
        "competitive_label": "Competitive: awarded by review; these are maxima, not promises",
        "back": "Save and return to the results",
        "people_hint": "counted per person",
        "try": "Try changing an answer",
        "see": "See what changes",
    },
}
A4_PAGES_AT_MOST = 4


def _pdf_pages(page: Page) -> int:
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    page.emulate_media(media="screen")
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@pytest.mark.parametrize(("language", "prefix"), LANGUAGES)
def test_it_shows_the_robotics_startup_its_money_and_next_steps_above_the_fold(
    site: str, page: Page, language: str, prefix: str
) -> None:
    words = HEADINGS[language]
    page.goto(f"{site}{prefix}/profile/")
    fill_robotics_startup(Founder(page, language), timezone.localdate())
    Founder(page, language).press("results")

    expect(page.get_by_test_id("entitled-amount")).to_be_visible()
    assert money(page.get_by_test_id("entitled-amount").inner_text()) == "144500"
    assert money(page.get_by_test_id("competitive-amount").inner_text()) == "600000"
    expect(page.locator(".summary")).to_contain_text(words["entitled"])
    expect(page.locator(".summary")).to_contain_text(words["competitive_label"])
    for section in ("claim", "reach", "ask"):
        heading = page.locator(f"#{section} h2")
        expect(heading).to_contain_text(words[section])
        box = heading.bounding_box()
        assert box is not None and box["y"] + box["height"] < DESKTOP["height"], section
    first_claim = page.locator("#claim article").first
    assert first_claim.get_attribute("data-award") == "entitled"
    expect(first_claim.locator(".window")).not_to_be_empty()
    expect(page.locator("#ineligible details.fold")).not_to_have_attribute("open", "")
    assert page.locator("#reach .step-item").count() >= 1
    assert page.locator("#ask .step-item a").first.get_attribute("href")
    page.set_viewport_size(PHONE)
    header = page.locator(".site-header").bounding_box()
    assert header is not None and header["height"] <= 100
    page.set_viewport_size(DESKTOP)
    check_page(page, f"{language}-results-robotics")

    assert _pdf_pages(page) <= A4_PAGES_AT_MOST

    page.get_by_role("link", name=words["try"]).first.click()
    page.locator("#try-fact").select_option("registered_district")
    page.locator("form.try-pick button").click()
    check_page(page, f"{language}-try-change", phone=False)
    page.locator("#field-try-value select").select_option("futian")
    page.get_by_role("button", name=words["see"]).click()
    expect(page.get_by_test_id("comparison")).to_be_visible()
    check_page(page, f"{language}-try-change-result", phone=False)


@pytest.mark.parametrize(("language", "prefix"), LANGUAGES)
def test_it_tells_a_six_year_old_futian_firm_why_measures_do_not_apply(
    site: str, page: Page, language: str, prefix: str
) -> None:
    words = HEADINGS[language]
    founder = Founder(page, language)
    today = timezone.localdate()
    page.goto(f"{site}{prefix}/profile/")
    founder.choose("registered_district", founder.choice_label("registered_district", "futian"))
    founder.type("registered_on", years_ago(6, 30, today=today).isoformat())
    founder.choose("industry", founder.choice_label("industry", "digital_economy"))
    founder.type("employee_count", "40")
    founder.tick("tax_registered_in_nanshan", "no")
    founder.press("skip")

    hint = page.locator("[data-testid=hint-people]")
    expect(hint).to_contain_text(words["people_hint"])
    page.locator("#ineligible details.fold > summary").click()
    group = page.locator(".blocked-group").first
    expect(group.locator(".blocked-group__title")).to_contain_text(
        founder.label("registered_district")
    )
    card = group.locator("article").first
    card.locator("details.card__details > summary").click()
    expect(card.locator(".reason--false").first).to_be_visible()
    check_page(page, f"{language}-results-futian")

    hint.get_by_role("link").click()
    assert "/profile/people/" in page.url
    expect(page.get_by_role("button", name=words["back"])).to_be_visible()


@pytest.mark.parametrize(("language", "prefix"), LANGUAGES)
def test_it_leaves_everything_open_for_a_company_that_answers_nothing(
    site: str, page: Page, language: str, prefix: str
) -> None:
    words = HEADINGS[language]
    founder = Founder(page, language)
    page.goto(f"{site}{prefix}/profile/")
    founder.press("skip")

    assert page.locator("article[data-status=ineligible]").count() == 0
    assert page.locator("article[data-status=eligible]").count() == 0
    assert money(page.get_by_test_id("entitled-amount").inner_text()) == "0"
    expect(page.locator("#ineligible h2")).to_contain_text(f"{words['ineligible']}")
    expect(page.locator("[data-testid=hint-loans]")).to_be_visible()
    check_page(page, f"{language}-results-empty")

    question = page.locator("#ask .step-item a").first
    label = question.inner_text()
    question.click()
    expect(page.locator(":focus")).to_be_visible()
    assert page.locator(":focus").get_attribute("name", timeout=2000)
    check_page(page, f"{language}-question-focused", phone=False)
    page.get_by_role("button", name=words["back"]).click()
    assert page.url.endswith(f"{prefix}/results/")
    expect(page.locator("#ask")).to_contain_text(label)


def test_it_shares_the_results_by_a_link_a_stranger_can_open(site: str, page: Page) -> None:
    page.goto(f"{site}/profile/")
    fill_robotics_startup(Founder(page, "zh-hans"), timezone.localdate())
    Founder(page, "zh-hans").press("results")

    page.get_by_role("button", name="生成分享链接").click()
    link = page.locator("#share-link").input_value()
    check_page(page, "zh-hans-results-shared-link", phone=False)
    stranger = page.context.browser.new_page() if page.context.browser else page
    stranger.goto(link)

    assert "/shared/" in link and "南山" not in link
    assert money(stranger.get_by_test_id("entitled-amount").inner_text()) == "144500"
    expect(stranger.get_by_role("status")).to_contain_text("分享")
    stranger.close()
