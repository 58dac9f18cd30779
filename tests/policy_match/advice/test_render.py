"""#14.3–#14.7: reasons as a tree, within reach, ask next, honest money, provenance, and the
demo enterprises' lines (each ineligible or undetermined one has an unlock or a reason)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command

from policy_match.advice import advised_json
from policy_match.profile import Profile
from policy_match.rules import Subject, reasons, with_derived
from policy_match.services import evaluate_line, match_profile

from .test_unlock import AS_OF, DATABASE, NANSHAN, TAX, compiled

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(seeds_dir: Path) -> None:
    call_command("load_catalogue", str(seeds_dir), stdout=io.StringIO())


def test_a_satisfied_any_shows_its_failed_branch_as_an_alternative_not_a_failure() -> None:
    rule = {"all": [NANSHAN, {"any": [TAX, DATABASE]}]}
    ctx = with_derived(
        Subject.ENTERPRISE,
        {"registered_district": "nanshan", "tax_registered_in_nanshan": True,
         "is_in_sme_tech_database": False},
        AS_OF,
    )  # fmt: skip
    line = evaluate_line(compiled(rule), None, ctx)

    items = reasons(line.policy.rule.rule, line.trace, line.ctx, "en")

    assert [(i["kind"], i["depth"], i["outcome"], i["alternative"]) for i in items] == [
        ("condition", 0, "true", False),
        ("any", 0, "true", False),
        ("condition", 1, "true", False),
        ("condition", 1, "false", True),
    ]
    assert items[1]["text"] == "Any of the following ✓"
    assert items[3]["text"].endswith("○") and "✗" not in items[3]["text"]
    assert "满足以下任一项 ✓" in [
        i["text"] for i in reasons(line.policy.rule.rule, line.trace, line.ctx, "zh-hans")
    ]


def _report(profile: dict[str, Any], as_of: date = AS_OF, language: str = "en") -> dict:
    return advised_json(match_profile(profile=Profile.from_data(profile), as_of=as_of), language)


ROBOTICS = yaml.safe_load(
    (Path(__file__).parents[3] / "docs/examples/robotics-startup.yaml").read_text()
)


def test_the_summary_splits_the_money_into_entitled_and_competitive(catalogue: None) -> None:
    body = _report({k: v for k, v in ROBOTICS.items() if k != "as_of"})

    summary = body["summary"]
    entitled, competitive = (
        Decimal(summary["entitled_amount"]),
        Decimal(summary["competitive_amount"]),
    )
    assert entitled + competitive == Decimal(summary["total_amount"])
    eligible = {r["policy"]: r for r in body["results"] if r["status"] == "eligible"}
    assert eligible["key-industry-startup-talent-award"]["award"] == "competitive"
    assert eligible["key-industry-startup-talent-award"]["amount_kind"] == "up_to"
    assert eligible["ip-pledge-financing-subsidy"]["amount_kind"] == "exact"  # a formula
    assert competitive >= Decimal("600000")


def test_ask_next_ranks_the_missing_facts_by_money_then_by_measures(catalogue: None) -> None:
    body = _report({"enterprise": {"registered_district": "nanshan"}})

    asked = body["summary"]["ask_next"]
    amounts = [Decimal(q["amount"]) for q in asked]
    assert asked and amounts == sorted(amounts, reverse=True)
    for before, after in pairwise(asked):
        if before["amount"] == after["amount"]:
            assert len(before["decides"]) >= len(after["decides"])
    assert all(q["label"] and q["decides"] for q in asked)


def test_within_reach_names_single_changes_and_the_money_they_unlock(catalogue: None) -> None:
    body = _report({k: v for k, v in ROBOTICS.items() if k != "as_of"}, language="zh-hans")

    reach = body["summary"]["within_reach"]
    open_source = next(c for c in reach if c["fact"] == "participates_open_source")
    assert open_source["unlocks"] == ["open-source-ecosystem-support"]
    assert open_source["text"] == "参与开源生态建设"
    assert Decimal(open_source["amount"]) == Decimal("10000000")
    amounts = [Decimal(c["amount"]) for c in reach]
    assert amounts == sorted(amounts, reverse=True)


def test_each_reason_says_its_basis_and_its_source(catalogue: None) -> None:
    body = _report({k: v for k, v in ROBOTICS.items() if k != "as_of"})

    award = next(r for r in body["results"] if r["policy"] == "key-industry-startup-talent-award")
    age = next(r for r in award["reasons"] if r["fact"] == "age")
    district = next(r for r in award["reasons"] if r["fact"] == "registered_district")
    assert age["basis"] == "stated" and "40 to 45" in age["source"]["quote"]
    assert age["source"]["url"] == "http://www.szdaily.com/content/2025-12/01/content_31791602.htm"
    assert (
        district["basis"] == "assumed" and district["note"] and district["source"]["quote"] is None
    )
    assert award["confidence"] == "assumed"


def test_every_demo_line_not_eligible_has_an_unlock_or_a_reason(
    catalogue: None, seeds_dir: Path
) -> None:
    demos = yaml.safe_load((seeds_dir / "demo_enterprises.yaml").read_text(encoding="utf-8"))
    within_one_step = 0
    for demo in demos:
        profile = {k: demo[k] for k in ("enterprise", "people", "loans") if k in demo}
        body = _report(profile)
        for result in body["results"]:
            if result["status"] == "eligible":
                assert result["unlock"] is None and result["unlock_reason"] is None
            else:
                assert result["unlock"] is not None or result["unlock_reason"], result["policy"]
        within_one_step += bool(body["summary"]["within_reach"])
    assert within_one_step >= 1


def test_a_person_line_blocked_by_a_slow_fact_says_so(catalogue: None) -> None:
    profile = {"enterprise": {"registered_district": "nanshan"},
               "people": [{"ref": "p1", "degree": "bachelor", "hukou_city": "wuhan"}]}  # fmt: skip

    body = _report(profile, language="zh-hans")

    master = next(r for r in body["results"] if r["policy"] == "talent-living-subsidy-master")
    assert master["status"] == "ineligible" and master["unlock"] is None
    assert "最高学历" in master["unlock_reason"]
