"""A founder at the keyboard: finds questions by their labels (from the fact registry), in the
page's language, as a person reading the page would."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from playwright.sync_api import Locator, Page

from policy_match.rules import FACTS

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
