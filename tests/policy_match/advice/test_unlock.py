"""#14.2: unlock, table-tested on hand-written rules (no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from policies.models import Policy, PolicyVersion
from policy_match.advice import unlock
from policy_match.catalogue import CompiledPolicy, compile_version
from policy_match.rules import Subject, with_derived
from policy_match.services import evaluate_line

AS_OF = date(2026, 11, 23)
NANSHAN = {"fact": "registered_district", "op": "eq", "value": "nanshan"}
TAX = {"fact": "tax_registered_in_nanshan", "op": "eq", "value": True}
DATABASE = {"fact": "is_in_sme_tech_database", "op": "eq", "value": True}
HTE = {"fact": "is_high_tech_enterprise", "op": "eq", "value": True}
YOUNG = {"fact": "enterprise_age_years", "op": "lt", "value": 3}  # fixed
ROBOTICS = {"fact": "industry", "op": "eq", "value": "robotics"}  # fixed


def compiled(rule: Any, *, cap: str | None = "100000", formula: Any = None) -> CompiledPolicy:
    policy = Policy(slug="t", category="other", subject="enterprise")
    version = PolicyVersion(
        pk=1, policy=policy, number=1, name_zh_hans="测试", name_en="test", rule=rule,
        benefit_kind="grant", unit="per_enterprise", formula=formula,
        cap=None if cap is None else Decimal(cap),
    )  # fmt: skip
    return compile_version(version)


def changes_for(rule: Any, facts: dict[str, Any], **kwargs: Any) -> Any:
    policy = compiled(rule, **kwargs)
    line = evaluate_line(policy, None, with_derived(Subject.ENTERPRISE, dict(facts), AS_OF))
    return unlock(line)


def summary(found: Any) -> Any:
    if found is None:
        return "eligible"
    if found.changes is None:
        return ("blocked", found.blocked_by)
    return sorted((c.fact, c.op, c.value) for c in found.changes)


SOUTH = {"registered_district": "futian", "tax_registered_in_nanshan": False}


@pytest.mark.parametrize(
    ("rule", "facts", "expected"),
    [
        # all: every failing child changes
        ({"all": [NANSHAN, TAX]}, SOUTH, [("registered_district", "eq", "nanshan"),
                                          ("tax_registered_in_nanshan", "eq", True)]),
        # already true: nothing to unlock
        ({"all": [NANSHAN]}, {"registered_district": "nanshan"}, "eligible"),
        # any: the cheapest branch, one change rather than two
        ({"any": [{"all": [NANSHAN, TAX]}, DATABASE]},
         {**SOUTH, "is_in_sme_tech_database": False}, [("is_in_sme_tech_database", "eq", True)]),
        # a fixed fact in one branch: the other branch
        ({"any": [YOUNG, HTE]},
         {"registered_on": date(2015, 1, 1), "is_high_tech_enterprise": False},
         [("is_high_tech_enterprise", "eq", True)]),
        # only fixed facts: no unlock, and the facts that block it
        ({"all": [YOUNG, ROBOTICS]}, {"registered_on": date(2015, 1, 1), "industry": "fintech"},
         ("blocked", ("enterprise_age_years", "industry"))),
        # a slow fact (revenue) blocks too
        ({"all": [{"fact": "annual_revenue", "op": "gte", "value": "5000000"}]},
         {"annual_revenue": Decimal("100")}, ("blocked", ("annual_revenue",))),
        # not: the opposite of the condition is the target
        ({"not": {"fact": "registered_district", "op": "eq", "value": "futian"}},
         {"registered_district": "futian"}, [("registered_district", "ne", "futian")]),
        # not over an any: every branch must become false
        ({"not": {"any": [{"fact": "registered_district", "op": "eq", "value": "futian"}, TAX]}},
         {"registered_district": "futian", "tax_registered_in_nanshan": True},
         [("registered_district", "ne", "futian"), ("tax_registered_in_nanshan", "ne", True)]),
        # an unknown fact is a question, not a change
        ({"all": [NANSHAN, TAX]}, {"registered_district": "futian"},
         [("registered_district", "eq", "nanshan")]),
        ({"all": [NANSHAN, TAX]}, {}, []),
    ],
)  # fmt: skip
def test_it_finds_the_fewest_actionable_changes(rule: Any, facts: Any, expected: Any) -> None:
    assert summary(changes_for(rule, facts)) == expected


@pytest.mark.parametrize(
    ("op", "value", "current", "witness"),
    [
        ("gte", "0.04", "0.031", Decimal("0.04")),
        ("gt", "0.04", "0.031", Decimal("0.04") + Decimal("0.01")),
        ("lte", "0.5", "0.9", Decimal("0.5")),
        ("lt", "0.5", "0.9", Decimal("0.5") - Decimal("0.01")),
        ("between", ["0.04", "0.2"], "0.3", Decimal("0.04")),
    ],
)
def test_a_threshold_names_its_exact_target_beside_the_current_value(
    op: str, value: Any, current: str, witness: Decimal
) -> None:
    from policy_match.advice.unlock import witness as meets

    rule = {"all": [{"fact": "rd_intensity", "op": op, "value": value}]}
    facts = {"rd_expense": Decimal(current) * 1000, "annual_revenue": Decimal("1000")}

    found = changes_for(rule, facts)

    (change,) = found.changes
    assert change.fact == "rd_intensity" and change.op == op
    assert change.current == Decimal(current)
    assert meets(change) == witness


def test_the_unlock_amount_follows_a_formula_over_the_changed_fact() -> None:
    # Worth 10 % of the R&D intensity target times a million: the amount after the change
    # is worked out with the target value.
    formula = {"mul": ["1000000", {"fact": "rd_intensity"}]}
    rule = {"all": [{"fact": "rd_intensity", "op": "gte", "value": "0.04"}]}
    facts = {"rd_expense": Decimal("31"), "annual_revenue": Decimal("1000")}

    found = changes_for(rule, facts, cap="1000000", formula=formula)

    assert found.amount == Decimal("40000.00")


def test_a_tie_on_changes_goes_to_the_branch_worth_more() -> None:
    formula = {"cases": [{"when": DATABASE, "then": "200"}], "else": "100"}
    rule = {"any": [TAX, DATABASE]}
    facts = {"tax_registered_in_nanshan": False, "is_in_sme_tech_database": False}

    found = changes_for(rule, facts, cap="1000", formula=formula)

    assert [c.fact for c in found.changes] == ["is_in_sme_tech_database"]
    assert found.amount == Decimal("200.00")
