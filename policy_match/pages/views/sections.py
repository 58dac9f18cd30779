"""The results page's sections, in the order a founder acts on them (#15, design §12):
money first (entitled vs competitive, labelled), then Claim these, Within reach, Answer to find
out, the measures still open, and Not for you grouped by the condition that blocks most."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from policies.models import Category, PolicyVersion
from policy_match.advice import advised_json
from policy_match.catalogue import published_catalogue
from policy_match.profile import Profile
from policy_match.report import MatchReport
from policy_match.rules import FACTS, Subject

from .cards import card, field_url, row_index, subject_label, try_url


@dataclass(frozen=True)
class Results:
    as_of: date
    summary: dict[str, Any]
    claim: list[dict[str, Any]]
    reach: list[dict[str, Any]]
    ask: list[dict[str, Any]]
    open: list[dict[str, Any]]
    blocked: list[dict[str, Any]]  # groups: {"title", "cards"}
    hints: list[dict[str, Any]] = field(default_factory=list)
    facts: list[dict[str, str]] = field(default_factory=list)  # what "try a change" offers

    @property
    def ineligible(self) -> list[dict[str, Any]]:
        return [card for group in self.blocked for card in group["cards"]]

    @property
    def ineligible_count(self) -> int:
        return len(self.ineligible)

    # The statuses' own names, as the API's summary counts them.
    @property
    def eligible(self) -> list[dict[str, Any]]:
        return self.claim

    @property
    def undetermined(self) -> list[dict[str, Any]]:
        return self.open


def _money(value: Any) -> Decimal:
    return Decimal(str(value or "0"))


def present(report: MatchReport, profile: Profile, language: str) -> Results:
    """The report as the page's sections, from the same JSON the API answers."""
    data = advised_json(report, language)
    by_slug = {line.policy.slug: line.policy for line in report.lines}
    versions = {
        v.pk: v
        for v in PolicyVersion.objects.filter(pk__in={p.version_id for p in by_slug.values()})
    }
    names = {slug: policy.name.get(language) for slug, policy in by_slug.items()}
    cards: dict[str, list[dict[str, Any]]] = {"eligible": [], "undetermined": [], "ineligible": []}
    for result in data["results"]:
        version = versions[by_slug[result["policy"]].version_id]
        cards[result["status"]].append(card(result, version, profile, language, names))
    # Claimable money first: entitled before competitive, then by amount.
    cards["eligible"].sort(
        key=lambda c: (c["award"] != "entitled", c["amount"] is None, -(c["amount"] or 0))
    )
    cards["undetermined"].sort(key=lambda c: (c["amount"] is None, -(c["amount"] or 0)))
    summary = data["summary"]
    money = {
        key: _money(summary[key])
        for key in ("total_amount", "entitled_amount", "competitive_amount", "could_unlock_amount")
    }
    return Results(
        as_of=report.as_of,
        summary={**summary, **money},
        claim=cards["eligible"],
        reach=[_reach(item, profile, names) for item in summary["within_reach"]],
        ask=[_ask(item, profile) for item in summary["ask_next"]],
        open=cards["undetermined"],
        blocked=blocked_groups(cards["ineligible"], language),
        hints=hints(profile, language),
        facts=try_choices(profile, language),
    )


def _reach(item: dict[str, Any], profile: Profile, names: dict[str, str]) -> dict[str, Any]:
    at = row_index(profile, item["fact"], item["ref"])
    return {
        "text": item["text"],
        "amount": _money(item["amount"]),
        # A change can unlock a score of measures: name three, count the rest.
        "measures": [names.get(slug, slug) for slug in item["unlocks"][:3]],
        "more": max(len(item["unlocks"]) - 3, 0),
        "url": field_url(item["fact"], at),
        "try_url": try_url(item["fact"], item["ref"]),
    }


def _ask(item: dict[str, Any], profile: Profile) -> dict[str, Any]:
    at = row_index(profile, item["fact"], item["ref"])
    fact = FACTS[item["fact"]]
    return {
        "label": item["label"],
        "subject": subject_label(fact.subject.value, item["ref"]) if at is not None else "",
        "amount": _money(item["amount"]),
        "count": len(item["decides"]),
        "url": field_url(item["fact"], at),
    }


def blocked_groups(cards: list[dict[str, Any]], language: str) -> list[dict[str, Any]]:
    """Ineligible cards grouped greedily: the failing condition shared by most measures first
    ("29 measures require registration in Nanshan"), then the next among the rest."""
    rest = list(cards)
    groups: list[dict[str, Any]] = []
    while rest:
        counts = Counter(fact for c in rest for fact in {r["fact"] for r in c["failing"]})
        if not counts:
            groups.append({"title": _("其他原因"), "cards": rest})
            break
        fact, _count = min(counts.items(), key=lambda kv: (-kv[1], kv[0] or ""))
        members = [c for c in rest if any(r["fact"] == fact for r in c["failing"])]
        rest = [c for c in rest if c not in members]
        groups.append({"title": _blocked_title(fact, len(members), members, language),
                       "cards": sorted(members, key=lambda c: c["name"])})  # fmt: skip
    return groups


def _blocked_title(
    fact: str | None, count: int, members: list[dict[str, Any]], language: str
) -> str:
    label = FACTS[fact].label.get(language) if fact in FACTS else _("其他条件")
    # The condition as one measure states it, without its ✗ ("注册地：福田区；要求为 南山区").
    example = next(r["text"] for r in members[0]["failing"] if r["fact"] == fact)
    example = example.rstrip(" ✗")
    return ngettext(
        "%(count)s 项政策因“%(label)s”不符合，例如：%(example)s",
        "%(count)s 项政策因“%(label)s”不符合，例如：%(example)s",
        count,
    ) % {"count": count, "label": label, "example": example}


def hints(profile: Profile, language: str) -> list[dict[str, Any]]:
    """Measures that need people (or loans) the profile does not have: said, never dropped."""
    found = []
    for subject, rows, step, add in (
        (Subject.PERSON, profile.people, "people", _("添加人员")),
        (Subject.LOAN, profile.loans, "loans", _("添加贷款或融资")),
    ):
        if rows:
            continue
        measures = [p for p in published_catalogue() if p.subject is subject]
        if not measures:
            continue
        labels = dict(Category.choices)
        kinds = sorted({str(labels.get(p.category, p.category)) for p in measures})
        count = len({p.slug for p in measures})
        text = (
            ngettext(
                "%(count)s 项政策按人员计算（%(kinds)s）：您还没有添加人员，这些政策暂不显示结果。",
                "%(count)s 项政策按人员计算（%(kinds)s）：您还没有添加人员，这些政策暂不显示结果。",
                count,
            )
            if subject is Subject.PERSON
            else ngettext(
                "%(count)s 项政策按贷款或融资计算（%(kinds)s）："
                "您还没有添加贷款，这些政策暂不显示结果。",
                "%(count)s 项政策按贷款或融资计算（%(kinds)s）："
                "您还没有添加贷款，这些政策暂不显示结果。",
                count,
            )
        )
        joined = "、".join(kinds) if language == "zh-hans" else ", ".join(kinds)
        found.append(
            {
                "step": step,
                "text": text % {"count": count, "kinds": joined},
                "link": add,
                "url": reverse("pages:profile-step", kwargs={"step": step}) + "?back=results",
            }
        )
    if any(values.get("degree") == "phd" for _ref, values in profile.people):
        # #18.4: say why a doctorate gets no living subsidy, rather than leave it unexplained.
        note = _(
            "南山区的新引进人才生活补贴只列明本科和硕士毕业生，不含博士。深圳市面向博士的生活补贴"
            "尚未找到现行的官方原文，暂未列入结果。"
        )
        found.append({"step": "phd", "text": note, "link": "", "url": ""})
    return found


def try_choices(profile: Profile, language: str) -> list[dict[str, str]]:
    """Every answer "try a change" can vary: the enterprise's facts, then each row's."""
    choices = []
    rows: list[tuple[Subject, str]] = [(Subject.ENTERPRISE, "")]
    rows += [(Subject.PERSON, ref) for ref, _v in profile.people]
    rows += [(Subject.LOAN, ref) for ref, _v in profile.loans]
    for subject, ref in rows:
        owner = subject_label(subject.value, ref) if ref else ""
        for fact in FACTS.values():
            if fact.subject is not subject or fact.derived:
                continue
            label = fact.label.get(language)
            choices.append(
                {"value": f"{fact.name}:{ref}" if ref else fact.name,
                 "label": f"{owner} · {label}" if owner else label}
            )  # fmt: skip
    return choices
