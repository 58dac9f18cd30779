"""A founder at the keyboard: finds questions by their labels (from the fact registry), in the
page's language, as a person reading the page would."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from playwright.sync_api import Locator, Page, expect

from policy_match.rules import FACTS

from .support import check_page

BUTTONS = {
    "zh-hans": {
        "start": "开始匹配",
        "next": "下一步",
        "previous": "上一步",
        "results": "查看结果",
        "skip": "跳过其余问题，直接查看结果",
        "add_person": "添加一位人员",
        "add_loan": "添加一笔贷款或融资",
        "yes": "是",
        "no": "否",
        "unknown": "不清楚",
        "name": "企业名称（选填）",
    },
    "en": {
        "start": "Start",
        "next": "Next",
        "previous": "Back",
        "results": "See the results",
        "skip": "Skip the other questions and see the results",
        "add_person": "Add a person",
        "add_loan": "Add a loan or financing",
        "yes": "Yes",
        "no": "No",
        "unknown": "Don't know",
        "name": "Enterprise name (optional)",
    },
}


def years_ago(years: int, days: int = 0, *, today: date) -> date:
    return today.replace(year=today.year - years) - timedelta(days=days)


@dataclass
class Founder:
    page: Page
    language: str

    def says(self, key: str) -> str:
        return BUTTONS[self.language][key]

    def label(self, fact: str) -> str:
        return FACTS[fact].label.get(self.language)

    def press(self, key: str) -> None:
        self.page.get_by_role("button", name=self.says(key), exact=True).click()

    def field(self, fact: str, scope: str = "") -> Locator:
        """The input of a question, found by its label; `scope` narrows to a person or loan."""
        root = self.page.locator(scope) if scope else self.page
        return root.get_by_label(self.label(fact))

    def choose(self, fact: str, choice: str, scope: str = "") -> None:
        """Pick an option of a drop-down by its visible label."""
        self.field(fact, scope).select_option(label=choice)

    def type(self, fact: str, text: str, scope: str = "") -> None:
        self.field(fact, scope).fill(text)

    def tick(self, fact: str, answer: str, scope: str = "") -> None:
        """Answer a yes / no / don't-know question."""
        root = self.page.locator(scope) if scope else self.page
        group = root.get_by_role("group", name=self.label(fact))
        group.get_by_label(self.says(answer), exact=True).check()

    def choice_label(self, fact: str, code: str) -> str:
        label = FACTS[fact].choice_label(code)
        assert label is not None, f"{fact} has no choice {code}"
        return label.get(self.language)


ANSWERED_NO = (
    "participates_open_source",
    "is_scenario_publisher",
    "is_scenario_solver",
    "is_space_operator",
    "is_vc_institution",
)


def fill_robotics_startup(founder: Founder, today: date, *, photos: str = "") -> None:
    """Enterprise → people → loans → review, as the founder would answer."""
    f = founder
    f.page.get_by_label(f.says("name")).fill("南山灵巧机器人有限公司")
    f.choose("registered_district", f.choice_label("registered_district", "nanshan"))
    f.type("registered_on", years_ago(2, 100, today=today).isoformat())
    f.choose("industry", f.choice_label("industry", "robotics"))
    f.type("employee_count", "8")
    f.tick("has_bad_credit", "no")
    f.tick("tax_registered_in_nanshan", "yes")
    # The example's founder says "no" to these; the form pre-answers nothing (#15).
    for fact in ANSWERED_NO:
        f.tick(fact, "no")
    if photos:
        check_page(f.page, f"{photos}-1-enterprise")
    f.press("next")

    f.press("add_person")
    person = "#row-people-0"
    f.choose("degree", f.choice_label("degree", "master"), person)
    f.type("graduated_on", years_ago(1, 150, today=today).isoformat(), person)
    f.choose("hukou_city", f.choice_label("hukou_city", "shenzhen"), person)
    f.choose("hukou_district", f.choice_label("hukou_district", "nanshan"), person)
    f.type("hukou_transferred_on", years_ago(0, 100, today=today).isoformat(), person)
    f.type("born_on", years_ago(27, 150, today=today).isoformat()[:7], person)  # year-month
    f.tick("is_founder", "yes", person)
    if photos:
        check_page(f.page, f"{photos}-2-people")
    f.press("next")

    f.press("add_loan")
    loan = "#row-loans-0"
    f.choose("product", f.choice_label("product", "ip_pledge_loan"), loan)
    f.type("amount", "3,000,000", loan)  # as people write it
    f.type("rate", "3.5%", loan)
    f.type("guarantee_fee", "30000", loan)
    expect(f.field("other_fees", loan)).to_have_value("")  # nothing pre-answered (#15)
    f.type("other_fees", "0", loan)
    if photos:
        check_page(f.page, f"{photos}-3-loans")
    f.press("next")
