"""Hand-derived expectations for whole profiles matched against the real catalogue.

Every expected status, missing fact and amount below was worked out by hand from
`policies.md` (conventions §1, the measures §3–§5, the facts §6a), not from the engine or the
seed files: each test says which conditions hold, which fail, and the arithmetic. The evaluation
date is 2026-11-23 unless a test is about dates.

Readings of `policies.md` that these tests rely on (see the report that came with them):
- an undetermined line whose cap is known and which has no formula shows the cap as its amount
  and adds it to `could_unlock_amount`;
- amounts of person/loan lines are the per-line formula results; a per-enterprise cap only
  limits the line sum counted in `total_amount` (leasing/factoring: per product type);
- an exclusive group counts its best known amount once;
- the IP-securitisation ceiling of 8‰ of revenue is a cap on the enterprise's yearly total (when
  its issues in the year exceed 10,000,000), not a per-line test: a line's amount is its tiered
  cost share, and the 8‰ ceiling is a manual check (policies.md §1, corrections of 2026-12-01);
- `hte-cultivation-support` reads 培育 as the cultivation pool or a first certification, so a
  firm that is not a 国高 stays undetermined on `in_hte_cultivation_pool` until it answers.
"""

import json
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command

from policy_match.profile import Profile
from policy_match.services import match_profile

pytestmark = pytest.mark.django_db

REPO_ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2026, 11, 23)

Json = dict[str, Any]
Key = tuple[str, str | None]
Expect = tuple[str, str | None, frozenset[str]]

ENTERPRISE_SLUGS = frozenset(
    {
        "office-moliying-rent-free",
        "office-zero-rent-accelerator",
        "moliying-space-operator-support",
        "policy-rd-space-rent-discount",
        "early-stage-equity-investment",
        "joint-incubation",
        "hundred-billion-financing-plan",
        "vc-institution-support",
        "hte-cultivation-support",
        "open-source-ecosystem-support",
        "scenario-publisher-grant",
        "scenario-solver-grant",
        "scenario-opening-appeal-channel",
        "lifecycle-one-stop-service",
        "loan-incubation",
        "loan-growth",
        "loan-ip-pledge",
        "loan-rd",
        "high-growth-hte-award",
        "specialized-sme-award",
    }
)
PERSON_SLUGS = frozenset(
    {
        "talent-experience-voucher",
        "talent-living-subsidy-bachelor",
        "talent-living-subsidy-master",
        "key-industry-startup-talent-award",
        "gaming-key-talent-subsidy",
        "graduate-free-lodging",
        "startup-talent-rent-free-housing",
        "youth-pilot-startup-team",
    }
)
LOAN_SLUGS = frozenset(
    {
        "tech-loan-interest-subsidy",
        "ip-pledge-financing-subsidy",
        "ip-securitization-subsidy",
        "leasing-factoring-subsidy",
        "green-financing-subsidy",
        "loan-guarantee-fee-subsidy",
    }
)
DRAFT_SLUGS = frozenset({"shenzhen-new-phd-living-subsidy"})
RETIRED_SLUGS = frozenset({"shenzhen-new-talent-living-subsidy"})

# The flags policies.md §6a recommends pre-filling with "no", plus the 专精特新 flags.
NO_FLAGS: Json = {
    "is_space_operator": False,
    "is_vc_institution": False,
    "participates_open_source": False,
    "is_scenario_publisher": False,
    "is_scenario_solver": False,
    "is_specialized_sme": False,
    "is_little_giant": False,
}

# Non-derived facts of policies.md §6a, by subject.
ENTERPRISE_FACTS = frozenset(
    {
        "registered_district",
        "registered_on",
        "registered_capital",
        "employee_count",
        "annual_revenue",
        "revenue_growth_rate",
        "rd_expense",
        "industry",
        "is_strategic_emerging",
        "is_future_industry",
        "is_high_tech_enterprise",
        "high_tech_certified_on",
        "is_specialized_sme",
        "is_little_giant",
        "invention_patents",
        "ip_count",
        "has_bad_credit",
        "tax_registered_in_nanshan",
        "is_in_sme_tech_database",
        "office_area_sqm",
        "funding_stage",
        "participates_open_source",
        "is_scenario_publisher",
        "is_scenario_solver",
        "is_space_operator",
        "is_vc_institution",
        "vc_investment_last_year",
    }
)
PERSON_FACTS = frozenset(
    {
        "degree",
        "graduated_on",
        "is_fresh_graduate",
        "hukou_city",
        "hukou_district",
        "hukou_transferred_on",
        "born_on",
        "is_founder",
        "talent_tier",
        "works_for_enterprise_since",
        "is_student",
        "owns_home_in_shenzhen",
    }
)
LOAN_FACTS = frozenset(
    {"product", "amount", "rate", "interest_paid", "guarantee_fee", "other_fees"}
)


@pytest.fixture
def catalogue(db: None) -> None:
    """The real catalogue: every seeds/policies/<slug>.yaml loaded into the test database."""
    call_command("load_catalogue", str(REPO_ROOT / "seeds"))


# --------------------------------------------------------------------------------------------
# helpers


def eligible(amount: str | None = None) -> Expect:
    return ("eligible", amount, frozenset())


def undetermined(amount: str | None, *missing: str) -> Expect:
    return ("undetermined", amount, frozenset(missing))


INELIGIBLE: Expect = ("ineligible", None, frozenset())


def match(body: Json, as_of: date = AS_OF) -> Json:
    """Match a §7 request body (without as_of) and return the §7 response dict in English."""
    report = match_profile(profile=Profile.from_data(body), as_of=as_of)
    data: Json = report.to_json(language="en")
    listed = {line["policy"] for line in data["results"]}
    assert not listed & DRAFT_SLUGS, "draft measures are never shown"
    assert not listed & RETIRED_SLUGS, "retired measures are never shown"
    return data


def result(data: Json, slug: str, ref: str | None = None) -> Json:
    """The one result line of measure `slug` for subject `ref` (None: the enterprise)."""
    found = [
        line for line in data["results"] if line["policy"] == slug and line["subject"]["ref"] == ref
    ]
    assert len(found) == 1, f"{len(found)} lines for ({slug}, {ref})"
    return found[0]


def missing_of(line: Json) -> frozenset[str]:
    return frozenset(item["fact"] for item in line["missing"])


def subject_type(slug: str) -> str:
    if slug in PERSON_SLUGS:
        return "person"
    if slug in LOAN_SLUGS:
        return "loan"
    return "enterprise"


def all_keys(people: Iterable[str], loans: Iterable[str]) -> set[Key]:
    keys: set[Key] = {(slug, None) for slug in ENTERPRISE_SLUGS}
    keys |= {(slug, ref) for slug in PERSON_SLUGS for ref in people}
    keys |= {(slug, ref) for slug in LOAN_SLUGS for ref in loans}
    return keys


def check_lines(
    data: Json,
    expected: Mapping[Key, Expect],
    *,
    people: Iterable[str] = (),
    loans: Iterable[str] = (),
    unchecked: Iterable[Key] = (),
) -> None:
    """Every published measure has one line per subject; lines not in `expected` are ineligible
    with nothing missing (a FALSE `all` needs no more facts). Amounts of ineligible lines are not
    checked."""
    wanted = all_keys(people, loans)
    assert set(expected) <= wanted, "a typo in the expectations"
    keys = [(line["policy"], line["subject"]["ref"]) for line in data["results"]]
    assert len(keys) == len(set(keys)), "one line per (measure, subject)"
    assert set(keys) == wanted
    skip = set(unchecked)
    mismatches = []
    for line in data["results"]:
        key: Key = (line["policy"], line["subject"]["ref"])
        assert line["subject"]["type"] == subject_type(line["policy"]), key
        if key in skip:
            continue
        status, amount, missing = expected.get(key, INELIGIBLE)
        got_amount = line["amount"] if status != "ineligible" else None
        got = (line["status"], got_amount, missing_of(line))
        if got != (status, amount, missing):
            mismatches.append((key, got, (status, amount, missing)))
    assert not mismatches, "\n".join(f"{k}: got {g}, expected {e}" for k, g, e in mismatches)


def check_summary(
    data: Json,
    *,
    eligible: int,
    ineligible: int,
    undetermined: int,
    total: str,
    unlock: str,
) -> None:
    summary = data["summary"]
    got = {key: summary[key] for key in ("eligible", "ineligible", "undetermined")}
    got |= {
        "total_amount": summary["total_amount"],
        "could_unlock_amount": summary["could_unlock_amount"],
    }
    assert got == {
        "eligible": eligible,
        "ineligible": ineligible,
        "undetermined": undetermined,
        "total_amount": total,
        "could_unlock_amount": unlock,
    }


# --------------------------------------------------------------------------------------------
# profiles

LINGXI: Json = {
    "enterprise": {
        "registered_district": "nanshan",
        "registered_on": "2024-09-01",
        "industry": "robotics",
        "registered_capital": "5000000.00",
        "employee_count": 18,
        "annual_revenue": "2000000.00",
        "revenue_growth_rate": "0.50",
        "rd_expense": "600000.00",
        "is_strategic_emerging": True,
        "is_future_industry": False,
        "is_high_tech_enterprise": False,
        "ip_count": 6,
        "invention_patents": 2,
        "has_bad_credit": False,
        "tax_registered_in_nanshan": True,
        "is_in_sme_tech_database": True,
        "office_area_sqm": "320.00",
        "funding_stage": "angel",
        **NO_FLAGS,
        "is_scenario_solver": True,
    },
    "people": [
        {
            "ref": "p1",
            "name": "李明",
            "degree": "master",
            "graduated_on": "2026-06-30",
            "is_fresh_graduate": True,
            "hukou_city": "shenzhen",
            "hukou_district": "nanshan",
            "hukou_transferred_on": "2026-08-20",
            "age": 27,
            "is_founder": False,
            "talent_tier": "core",
            "works_for_enterprise_since": "2026-07-15",
            "is_student": False,
            "owns_home_in_shenzhen": False,
        },
        {
            "ref": "p2",
            "name": "陈思远",
            "degree": "phd",
            "graduated_on": "2016-07-01",
            "is_fresh_graduate": False,
            "hukou_city": "shenzhen",
            "hukou_district": "nanshan",
            "hukou_transferred_on": "2015-05-01",
            "age": 38,
            "is_founder": True,
            "talent_tier": "nanshan_leading",
            "works_for_enterprise_since": "2024-09-01",
            "is_student": False,
            "owns_home_in_shenzhen": True,
        },
    ],
    "loans": [
        {
            "ref": "l1",
            "product": "ip_pledge_loan",
            "amount": "3000000.00",
            "rate": "0.035",
            "guarantee_fee": "30000.00",
            "other_fees": "12500.00",
        },
        {
            "ref": "l2",
            "product": "rd_loan",
            "amount": "2000000.00",
            "rate": "0.04",
            "guarantee_fee": "0.00",
            "other_fees": "0.00",
        },
    ],
}


def test_it_matches_the_robotics_startup_with_a_new_master_graduate_and_an_ip_pledge_loan(
    catalogue: None,
) -> None:
    """Lingxi Robotics, registered 2024-09-01 in Nanshan: 2 whole years old on 2026-11-23.

    Enterprise: robotics is in KEY_INDUSTRIES and in [ai, robotics]; age 2 < 3; good credit; so
    both office spaces and joint incubation hold. Strategic-emerging → R&D space. Angel →
    early-stage investment. Revenue 2,000,000 < 30,000,000 → 孵化贷, not 成长贷. ip_count 6 →
    IP-pledge loan product; rd_expense 600,000 > 0 → 研发贷. Scenario solver in robotics →
    5,000,000. Not a space operator, VC, open-source participant, publisher, 国高 or 专精特新:
    7 of those enterprise measures are false; the 国高 cultivation support is undetermined (not a
    国高, cultivation-pool membership unknown) with its cap 1,000,000.
    p1 (master, hukou Nanshan since 2026-08-20 → 0 whole years, core talent, 27, no home):
    master living subsidy 50,000; key-industry award 600,000 (core tier); rent-free housing.
    Not a student, hukou in Shenzhen (no free lodging), not a founder (no youth pilot).
    p2 (PhD founder, 38, owns a home, hukou since 2015): key-industry award 600,000 (founder);
    youth-pilot team (founder ≤ 45 of a 2-year-old robotics firm); no housing (owns a home); PhD
    gets neither living subsidy.
    l1 ip_pledge_loan: interest = 3,000,000 × 0.035 = 105,000; 0.70 × (105,000 + 30,000 +
    12,500) = 103,250.00. Tech-loan subsidy excludes ip_pledge_loan; the guarantee-fee subsidy
    too (product not in its list).
    l2 rd_loan: rd_intensity 600,000 / 2,000,000 = 0.30 ≥ 0.04, in the SME tech database,
    interest 2,000,000 × 0.04 = 80,000 ≥ 10,000 → 0.70 × 80,000 = 56,000.00; guarantee_fee 0 →
    no guarantee-fee subsidy.
    Lines: 20 + 2 × 8 + 2 × 6 = 48; eligible 12 + 3 + 2 + 1 + 1 = 19, undetermined 1.
    Total: 5,000,000 + 50,000 + 2 × 600,000 + 103,250 + 56,000 = 6,409,250.00; could unlock
    1,000,000.00 (the cultivation support).
    """
    data = match(LINGXI)

    check_lines(
        data,
        {
            ("office-moliying-rent-free", None): eligible(),
            ("office-zero-rent-accelerator", None): eligible(),
            ("policy-rd-space-rent-discount", None): eligible(),
            ("early-stage-equity-investment", None): eligible(),
            ("joint-incubation", None): eligible(),
            ("hundred-billion-financing-plan", None): eligible(),
            ("scenario-solver-grant", None): eligible("5000000.00"),
            ("hte-cultivation-support", None): undetermined(
                "1000000.00", "in_hte_cultivation_pool"
            ),
            ("scenario-opening-appeal-channel", None): eligible(),
            ("lifecycle-one-stop-service", None): eligible(),
            ("loan-incubation", None): eligible(),
            ("loan-ip-pledge", None): eligible(),
            ("loan-rd", None): eligible(),
            ("talent-living-subsidy-master", "p1"): eligible("50000.00"),
            ("key-industry-startup-talent-award", "p1"): eligible("600000.00"),
            ("startup-talent-rent-free-housing", "p1"): eligible(),
            ("key-industry-startup-talent-award", "p2"): eligible("600000.00"),
            ("youth-pilot-startup-team", "p2"): eligible(),
            ("ip-pledge-financing-subsidy", "l1"): eligible("103250.00"),
            ("tech-loan-interest-subsidy", "l2"): eligible("56000.00"),
        },
        people=["p1", "p2"],
        loans=["l1", "l2"],
    )
    assert result(data, "tech-loan-interest-subsidy", "l1")["status"] == "ineligible"
    assert result(data, "talent-living-subsidy-master", "p1")["subject"] == {
        "type": "person",
        "ref": "p1",
    }
    assert result(data, "joint-incubation")["subject"] == {"type": "enterprise", "ref": None}
    check_summary(
        data, eligible=19, ineligible=28, undetermined=1, total="6409250.00", unlock="1000000.00"
    )


def test_it_leaves_every_enterprise_measure_undetermined_for_an_empty_profile(
    catalogue: None,
) -> None:
    """No facts at all: every enterprise rule is an `all` of unknown conditions, so all 20
    enterprise measures are undetermined and list every input fact they read (derived facts
    through their inputs: registered_on, high_tech_certified_on, rd_expense/annual_revenue).
    No people and no loans → no person or loan lines.
    Could unlock (known amounts only): operator 5,000,000 + the hte-award group once (the
    cultivation cap 1,000,000; the high-growth row is unknown) + open source 10,000,000 +
    publisher 3,000,000 + solver 5,000,000 = 24,000,000.00. The VC formula reads an unknown
    fact, so its amount is unknown and adds nothing.
    """
    data = match({"enterprise": {}, "people": [], "loans": []})

    district, credit, tax = "registered_district", "has_bad_credit", "tax_registered_in_nanshan"
    check_lines(
        data,
        {
            ("office-moliying-rent-free", None): undetermined(
                None, "industry", "registered_on", credit
            ),
            ("office-zero-rent-accelerator", None): undetermined(
                None, "industry", "registered_on", credit
            ),
            ("moliying-space-operator-support", None): undetermined(
                "5000000.00", "is_space_operator", district, credit
            ),
            ("policy-rd-space-rent-discount", None): undetermined(
                None, "is_strategic_emerging", "is_future_industry", district, credit
            ),
            ("early-stage-equity-investment", None): undetermined(None, district, "funding_stage"),
            ("joint-incubation", None): undetermined(None, "registered_on"),
            ("hundred-billion-financing-plan", None): undetermined(None, district, credit),
            ("vc-institution-support", None): undetermined(
                None, "is_vc_institution", district, tax, credit, "vc_investment_last_year"
            ),
            ("hte-cultivation-support", None): undetermined(
                "1000000.00",
                district,
                tax,
                credit,
                "is_high_tech_enterprise",
                "in_hte_cultivation_pool",
                "high_tech_certified_on",
            ),
            ("open-source-ecosystem-support", None): undetermined(
                "10000000.00", "participates_open_source", district, credit
            ),
            ("scenario-publisher-grant", None): undetermined(
                "3000000.00", "is_scenario_publisher", district, credit
            ),
            ("scenario-solver-grant", None): undetermined(
                "5000000.00", "is_scenario_solver", "industry", district, credit
            ),
            ("scenario-opening-appeal-channel", None): undetermined(None, district),
            ("lifecycle-one-stop-service", None): undetermined(None, district),
            ("loan-incubation", None): undetermined(None, district, "annual_revenue", credit),
            ("loan-growth", None): undetermined(None, district, "annual_revenue", credit),
            ("loan-ip-pledge", None): undetermined(None, district, "ip_count", credit),
            ("loan-rd", None): undetermined(None, district, "rd_expense", credit),
            ("high-growth-hte-award", None): undetermined(
                None,
                district,
                tax,
                credit,
                "is_high_tech_enterprise",
                "high_tech_certified_on",
                "annual_revenue",
                "revenue_growth_rate",
                "rd_expense",
            ),
            ("specialized-sme-award", None): undetermined(
                None, district, tax, credit, "is_specialized_sme", "is_little_giant"
            ),
        },
    )
    assert all(line["subject"]["type"] == "enterprise" for line in data["results"])
    check_summary(
        data, eligible=0, ineligible=0, undetermined=20, total="0.00", unlock="24000000.00"
    )


WEIZHISHU: Json = {
    "enterprise": {
        "registered_district": "nanshan",
        "industry": "robotics",
        "has_bad_credit": False,
    },
    "people": [{"ref": "p1", "degree": "master"}, {"ref": "p2"}],
    "loans": [{"ref": "l1", "product": "ip_pledge_loan", "amount": "500000.00", "rate": "0.04"}],
}


def test_it_lists_only_the_facts_under_unknown_branches_for_a_profile_with_many_unknowns(
    catalogue: None,
) -> None:
    """Nanshan robotics firm, good credit; nothing else known.

    Eligible: 千亿融资 (district, credit), the appeal channel and lifecycle services (district).
    Every other enterprise measure has one or more unknown conditions and no false one, and lists
    only its unknown inputs (district, credit and industry are known, so never listed).
    Gaming is false for robotics (both people). p1 (master only): bachelor false (degree); the
    rest undetermined. p2 (no facts): all undetermined but gaming.
    l1 ip_pledge_loan: interest = 500,000 × 0.04 = 20,000 is known; the product rules out every
    loan measure but the IP-pledge subsidy, which waits on tax registration (and its fees are
    unknown, so its amount is unknown). The guarantee-fee subsidy is false on the product even
    though the fee is unknown.
    Lines 20 + 16 + 6 = 42: eligible 3, ineligible 2 + 1 + 5 = 8, undetermined 17 + 6 + 7 + 1.
    Could unlock: enterprise 5,000,000 + 1,000,000 + 10,000,000 + 3,000,000 + 5,000,000 =
    24,000,000; p1 520 + 50,000 + 600,000 = 650,520; p2 520 + 30,000 + 50,000 + 600,000 =
    680,520; total 25,331,040.00.
    """
    data = match(WEIZHISHU)

    tax = "tax_registered_in_nanshan"
    hukou = ("hukou_city", "hukou_district", "hukou_transferred_on")
    check_lines(
        data,
        {
            ("office-moliying-rent-free", None): undetermined(None, "registered_on"),
            ("office-zero-rent-accelerator", None): undetermined(None, "registered_on"),
            ("moliying-space-operator-support", None): undetermined(
                "5000000.00", "is_space_operator"
            ),
            ("policy-rd-space-rent-discount", None): undetermined(
                None, "is_strategic_emerging", "is_future_industry"
            ),
            ("early-stage-equity-investment", None): undetermined(None, "funding_stage"),
            ("joint-incubation", None): undetermined(None, "registered_on"),
            ("hundred-billion-financing-plan", None): eligible(),
            ("vc-institution-support", None): undetermined(
                None, "is_vc_institution", tax, "vc_investment_last_year"
            ),
            ("hte-cultivation-support", None): undetermined(
                "1000000.00",
                tax,
                "is_high_tech_enterprise",
                "in_hte_cultivation_pool",
                "high_tech_certified_on",
            ),
            ("open-source-ecosystem-support", None): undetermined(
                "10000000.00", "participates_open_source"
            ),
            ("scenario-publisher-grant", None): undetermined("3000000.00", "is_scenario_publisher"),
            ("scenario-solver-grant", None): undetermined("5000000.00", "is_scenario_solver"),
            ("scenario-opening-appeal-channel", None): eligible(),
            ("lifecycle-one-stop-service", None): eligible(),
            ("loan-incubation", None): undetermined(None, "annual_revenue"),
            ("loan-growth", None): undetermined(None, "annual_revenue"),
            ("loan-ip-pledge", None): undetermined(None, "ip_count"),
            ("loan-rd", None): undetermined(None, "rd_expense"),
            ("high-growth-hte-award", None): undetermined(
                None,
                tax,
                "is_high_tech_enterprise",
                "high_tech_certified_on",
                "annual_revenue",
                "revenue_growth_rate",
                "rd_expense",
            ),
            ("specialized-sme-award", None): undetermined(
                None, tax, "is_specialized_sme", "is_little_giant"
            ),
            ("talent-experience-voucher", "p1"): undetermined("520.00", "is_student"),
            ("talent-living-subsidy-master", "p1"): undetermined("50000.00", *hukou),
            ("key-industry-startup-talent-award", "p1"): undetermined(
                "600000.00", "registered_on", "born_on", "is_founder", "talent_tier"
            ),
            ("graduate-free-lodging", "p1"): undetermined(None, "hukou_city", "is_fresh_graduate"),
            ("startup-talent-rent-free-housing", "p1"): undetermined(
                None, "registered_on", "born_on", "owns_home_in_shenzhen"
            ),
            ("youth-pilot-startup-team", "p1"): undetermined(
                None, "is_founder", "born_on", "registered_on"
            ),
            ("talent-experience-voucher", "p2"): undetermined("520.00", "is_student"),
            ("talent-living-subsidy-bachelor", "p2"): undetermined("30000.00", "degree", *hukou),
            ("talent-living-subsidy-master", "p2"): undetermined("50000.00", "degree", *hukou),
            ("key-industry-startup-talent-award", "p2"): undetermined(
                "600000.00", "registered_on", "born_on", "degree", "is_founder", "talent_tier"
            ),
            ("graduate-free-lodging", "p2"): undetermined(
                None, "hukou_city", "is_fresh_graduate", "degree"
            ),
            ("startup-talent-rent-free-housing", "p2"): undetermined(
                None, "registered_on", "born_on", "degree", "owns_home_in_shenzhen"
            ),
            ("youth-pilot-startup-team", "p2"): undetermined(
                None, "is_founder", "born_on", "registered_on"
            ),
        },
        people=["p1", "p2"],
        loans=["l1"],
        unchecked=[("ip-pledge-financing-subsidy", "l1")],
    )
    ip_pledge = result(data, "ip-pledge-financing-subsidy", "l1")
    assert ip_pledge["status"] == "undetermined"
    assert ip_pledge["amount"] is None
    # The rule waits on tax registration; an engine may also name the unknown fee inputs.
    assert tax in missing_of(ip_pledge)
    assert missing_of(ip_pledge) <= {tax, "guarantee_fee", "other_fees"}
    check_summary(
        data, eligible=3, ineligible=8, undetermined=31, total="0.00", unlock="25331040.00"
    )


FUTIAN: Json = {
    "enterprise": {
        "registered_district": "futian",
        "registered_on": "2025-06-01",
        "industry": "ai",
        "annual_revenue": "1000000.00",
        "rd_expense": "200000.00",
        "is_strategic_emerging": True,
        "is_future_industry": False,
        "is_high_tech_enterprise": False,
        "ip_count": 2,
        "has_bad_credit": False,
        "tax_registered_in_nanshan": False,
        "is_in_sme_tech_database": True,
        "funding_stage": "none",
        **NO_FLAGS,
    },
    "people": [
        {
            "ref": "p1",
            "degree": "master",
            "hukou_city": "shenzhen",
            "hukou_district": "nanshan",
            "hukou_transferred_on": "2026-05-01",
            "age": 26,
            "is_founder": False,
            "talent_tier": "none",
            "is_student": False,
            "is_fresh_graduate": False,
            "owns_home_in_shenzhen": False,
        },
        {
            "ref": "p2",
            "degree": "associate",
            "hukou_city": "wuhan",
            "age": 22,
            "is_founder": False,
            "talent_tier": "none",
            "is_student": False,
            "is_fresh_graduate": True,
            "owns_home_in_shenzhen": False,
        },
    ],
    "loans": [
        {
            "ref": "l1",
            "product": "working_capital_loan",
            "amount": "1000000.00",
            "rate": "0.05",
            "guarantee_fee": "10000.00",
            "other_fees": "0.00",
        }
    ],
}


def test_it_rules_out_every_district_conditioned_measure_for_a_futian_enterprise(
    catalogue: None,
) -> None:
    """Futian AI firm registered 2025-06-01 (1 year old), good credit, not taxed in Nanshan.

    17 of the 20 enterprise measures require registered_district = nanshan → ineligible with
    nothing missing. The three without it hold: 模力营 rent-free space (ai, 1 < 3, good
    credit), 零租加速营 (ai in KEY_INDUSTRIES) and joint incubation (age only).
    p1's Nanshan hukou (0 years) does not help: the living subsidy also requires a Nanshan
    employer; every other person measure is false too (not a student, Shenzhen hukou, district).
    p2: non-Shenzhen (wuhan) fresh associate graduate → free lodging (no enterprise condition);
    everything else false.
    l1: every loan measure requires Nanshan → 6 ineligible.
    Eligible 3 + 1 = 4; ineligible 17 + 8 + 7 + 6 = 38; no money.
    """
    data = match(FUTIAN)

    check_lines(
        data,
        {
            ("office-moliying-rent-free", None): eligible(),
            ("office-zero-rent-accelerator", None): eligible(),
            ("joint-incubation", None): eligible(),
            ("graduate-free-lodging", "p2"): eligible(),
        },
        people=["p1", "p2"],
        loans=["l1"],
    )
    check_summary(data, eligible=4, ineligible=38, undetermined=0, total="0.00", unlock="0.00")


PIXEL: Json = {
    "enterprise": {
        "registered_district": "nanshan",
        "registered_on": "2019-03-01",
        "industry": "gaming",
        "employee_count": 260,
        "annual_revenue": "80000000.00",
        "revenue_growth_rate": "0.15",
        "rd_expense": "8000000.00",
        "is_strategic_emerging": False,
        "is_future_industry": False,
        "is_high_tech_enterprise": True,
        "high_tech_certified_on": "2023-12-01",
        "ip_count": 40,
        "has_bad_credit": False,
        "tax_registered_in_nanshan": True,
        "is_in_sme_tech_database": False,
        "funding_stage": "b",
        **NO_FLAGS,
        "participates_open_source": True,
    },
    "people": [
        {
            "ref": "p1",
            "name": "周游",
            "degree": "bachelor",
            "hukou_city": "shenzhen",
            "hukou_district": "nanshan",
            "hukou_transferred_on": "2010-07-01",
            "age": 45,
            "is_founder": True,
            "talent_tier": "none",
            "is_student": False,
            "is_fresh_graduate": False,
            "owns_home_in_shenzhen": True,
        },
        {
            "ref": "p2",
            "degree": "master",
            "hukou_city": "beijing",
            "age": 46,
            "is_founder": False,
            "talent_tier": "shenzhen_high_level",
            "is_student": False,
            "is_fresh_graduate": False,
            "owns_home_in_shenzhen": False,
        },
        {
            "ref": "p3",
            "degree": "bachelor",
            "hukou_city": "shenzhen",
            "hukou_district": "nanshan",
            "hukou_transferred_on": "2026-01-10",
            "age": 30,
            "is_founder": False,
            "talent_tier": "none",
            "is_student": False,
            "is_fresh_graduate": False,
            "owns_home_in_shenzhen": False,
        },
        {
            "ref": "p4",
            "degree": "phd",
            "hukou_city": "shenzhen",
            "hukou_district": "futian",
            "hukou_transferred_on": "2012-03-01",
            "is_founder": False,
            "talent_tier": "core",
            "is_student": False,
            "is_fresh_graduate": False,
            "owns_home_in_shenzhen": True,
        },
    ],
    "loans": [],
}


def test_it_pays_gaming_key_talent_up_to_age_45_and_never_key_industry_awards_to_gaming(
    catalogue: None,
) -> None:
    """Pixel Era, Nanshan gaming company registered 2019-03-01 (7 years old).

    Enterprise: gaming is not in KEY_INDUSTRIES nor [ai, robotics], and 7 ≥ 3: no office space,
    no joint incubation. Funding b → no early-stage investment; neither strategic nor future →
    no R&D space. 国高 certified 2023-12-01: 2 whole years (no cultivation support) and not in
    2025 (no high-growth award). Revenue 80,000,000 → 成长贷 not 孵化贷; ip 40 → IP-pledge
    loan; R&D 8,000,000 → 研发贷. Open source → 10,000,000. Eligible: 千亿融资, open source,
    appeal, lifecycle, 成长贷, IP-pledge loan, 研发贷 = 7.
    Gaming subsidy (Nanshan, gaming, good credit, age ≤ 45, founder or qualifying tier):
    p1 founder aged exactly 45 → 600,000; p2 shenzhen_high_level but 46 → no; p3 neither founder
    nor qualifying tier → no; p4 core tier, age unknown → undetermined, only `age` missing.
    Key-industry award, housing: gaming not a key industry → false for all. Youth pilot: p1 is a
    founder but the firm is 7 → false.
    Living subsidy: p3 bachelor with Nanshan hukou since 2026-01-10 (0 years) → 30,000; p1's
    hukou is from 2010 (16 years); p2 has a Beijing hukou; p4 is a PhD.
    Lines 20 + 32 = 52: eligible 7 + 1 + 1 = 9, undetermined 1, ineligible 42.
    Total 10,000,000 + 600,000 + 30,000 = 10,630,000.00; could unlock 600,000.00 (p4).
    """
    data = match(PIXEL)

    check_lines(
        data,
        {
            ("hundred-billion-financing-plan", None): eligible(),
            ("open-source-ecosystem-support", None): eligible("10000000.00"),
            ("scenario-opening-appeal-channel", None): eligible(),
            ("lifecycle-one-stop-service", None): eligible(),
            ("loan-growth", None): eligible(),
            ("loan-ip-pledge", None): eligible(),
            ("loan-rd", None): eligible(),
            ("gaming-key-talent-subsidy", "p1"): eligible("600000.00"),
            ("talent-living-subsidy-bachelor", "p3"): eligible("30000.00"),
            ("gaming-key-talent-subsidy", "p4"): undetermined("600000.00", "born_on"),
        },
        people=["p1", "p2", "p3", "p4"],
    )
    check_summary(
        data,
        eligible=9,
        ineligible=42,
        undetermined=1,
        total="10630000.00",
        unlock="600000.00",
    )


def vc_profile(investment: str | None) -> Json:
    enterprise: Json = {
        "registered_district": "nanshan",
        "registered_on": "2015-01-01",
        "industry": "fintech",
        "annual_revenue": "30000000.00",
        "rd_expense": "0.00",
        "is_strategic_emerging": False,
        "is_future_industry": False,
        "is_high_tech_enterprise": False,
        "ip_count": 0,
        "has_bad_credit": False,
        "tax_registered_in_nanshan": True,
        "funding_stage": "none",
        **NO_FLAGS,
        "is_vc_institution": True,
    }
    if investment is not None:
        enterprise["vc_investment_last_year"] = investment
    return {"enterprise": enterprise, "people": [], "loans": []}


@pytest.mark.parametrize(
    ("investment", "status", "amount", "missing", "total"),
    [
        # 10% of 20,000,000 = 2,000,000 < 3,000,000
        ("20000000.00", "eligible", "2000000.00", set(), "2000000.00"),
        # exactly at the cap: 10% of 30,000,000 = 3,000,000
        ("30000000.00", "eligible", "3000000.00", set(), "3000000.00"),
        # 10% of 45,000,000 = 4,500,000 → capped at 3,000,000
        ("45000000.00", "eligible", "3000000.00", set(), "3000000.00"),
        # 1,234,567.895 → ROUND_HALF_UP → 1,234,567.90
        ("12345678.95", "eligible", "1234567.90", set(), "1234567.90"),
        # "上一年度实际投资额" gt 0 fails
        ("0.00", "ineligible", None, set(), "0.00"),
        # unknown investment: the rule and the formula both wait on it
        (None, "undetermined", None, {"vc_investment_last_year"}, "0.00"),
    ],
    ids=["10pct", "at-cap", "over-cap", "half-up", "zero", "unknown"],
)
def test_it_gives_a_vc_institution_ten_percent_of_its_investment_capped_at_three_million(
    catalogue: None,
    investment: str | None,
    status: str,
    amount: str | None,
    missing: set[str],
    total: str,
) -> None:
    """Nanshan VC institution, taxed in Nanshan, good credit: min(3,000,000, 0.10 × last
    year's investment). No other measure of this profile carries money (no 国高, no flags, and
    loan-growth / early-stage / services have no amount), so total_amount is the VC amount. Not
    a 国高 with cultivation-pool membership unknown, the cultivation support is undetermined:
    could unlock 1,000,000."""
    data = match(vc_profile(investment))

    line = result(data, "vc-institution-support")
    assert line["status"] == status
    if status != "ineligible":
        assert line["amount"] == amount
    assert missing_of(line) == missing
    assert data["summary"]["total_amount"] == total
    assert data["summary"]["could_unlock_amount"] == "1000000.00"
    assert missing_of(result(data, "hte-cultivation-support")) == {"in_hte_cultivation_pool"}


def hte_profile(certified_on: str, revenue: str, growth: str, rd_expense: str) -> Json:
    return {
        "enterprise": {
            "registered_district": "nanshan",
            "registered_on": "2012-05-01",
            "industry": "semiconductor",
            "annual_revenue": revenue,
            "revenue_growth_rate": growth,
            "rd_expense": rd_expense,
            "is_strategic_emerging": True,
            "is_future_industry": False,
            "is_high_tech_enterprise": True,
            "high_tech_certified_on": certified_on,
            "ip_count": 30,
            "has_bad_credit": False,
            "tax_registered_in_nanshan": True,
            "is_in_sme_tech_database": False,
            "funding_stage": "c_plus",
            **NO_FLAGS,
        },
        "people": [],
        "loans": [],
    }


@pytest.mark.parametrize(
    ("certified_on", "revenue", "growth", "rd_expense", "award", "cultivation", "total"),
    [
        # X = 1.00, Y = 10,000,000 / 50,000,000 = 0.20 → top row (assumed reading) 1,000,000
        ("2025-06-15", "50000000.00", "1.00", "10000000.00", "1000000.00", None, "1000000.00"),
        # X = 0.99 < 1.00, Y = 0.20 → 400,000
        ("2025-06-15", "50000000.00", "0.99", "10000000.00", "400000.00", None, "400000.00"),
        # X = 1.50 but Y = 9,995,000 / 50,000,000 = 0.1999 < 0.20 → 250,000
        ("2025-06-15", "50000000.00", "1.50", "9995000.00", "250000.00", None, "250000.00"),
        # X = 0.50 exactly, Y = 0.20 → 400,000
        ("2025-06-15", "50000000.00", "0.50", "10000000.00", "400000.00", None, "400000.00"),
        # X = 0.4999, Y = 0.20 → 200,000
        ("2025-06-15", "50000000.00", "0.4999", "10000000.00", "200000.00", None, "200000.00"),
        # X = 0.20, Y = 2,500,000 / 50,000,000 = 0.05 → 150,000 (both minimums exactly met)
        ("2025-06-15", "50000000.00", "0.20", "2500000.00", "150000.00", None, "150000.00"),
        # revenue exactly 10,000,000, Y = 0.05, X = 0.20 → 150,000
        ("2025-06-15", "10000000.00", "0.20", "500000.00", "150000.00", None, "150000.00"),
        # X = 0.1999 < 0.20 → not eligible
        ("2025-06-15", "50000000.00", "0.1999", "15000000.00", None, None, "0.00"),
        # Y = 2,495,000 / 50,000,000 = 0.0499 < 0.05 → not eligible
        ("2025-06-15", "50000000.00", "0.30", "2495000.00", None, None, "0.00"),
        # revenue 9,999,999.99 < 10,000,000 → not eligible
        ("2025-06-15", "9999999.99", "0.60", "3000000.00", None, None, "0.00"),
        # certified in 2024, not 2025: neither award (and 1 whole year, no cultivation)
        ("2024-12-31", "50000000.00", "0.60", "12500000.00", None, None, "0.00"),
        # certified in 2026: not "last calendar year"; 0 whole years → cultivation 1,000,000
        ("2026-01-05", "50000000.00", "0.60", "12500000.00", None, "1000000.00", "1000000.00"),
        # certified 2025-11-23: exactly 1 year on 2026-11-23 → no cultivation; award 400,000
        ("2025-11-23", "50000000.00", "0.60", "12500000.00", "400000.00", None, "400000.00"),
        # certified 2025-11-24: 0 whole years → both; the hte-award group counts 1,000,000 once
        (
            "2025-11-24",
            "50000000.00",
            "0.60",
            "12500000.00",
            "400000.00",
            "1000000.00",
            "1000000.00",
        ),
        # certified 2025-12-10: both apply; only the best (1,000,000) counts, not 1,400,000
        (
            "2025-12-10",
            "50000000.00",
            "0.60",
            "12500000.00",
            "400000.00",
            "1000000.00",
            "1000000.00",
        ),
    ],
    ids=[
        "top-row",
        "x-below-1",
        "y-below-20pct",
        "x-at-50pct",
        "x-below-50pct",
        "minimums",
        "revenue-at-10m",
        "x-below-20pct",
        "y-below-5pct",
        "revenue-below-10m",
        "certified-2024",
        "certified-2026",
        "one-year-exactly",
        "one-day-short",
        "both-awards",
    ],
)
def test_it_picks_the_high_growth_hte_award_row_and_counts_the_hte_award_group_once(
    catalogue: None,
    certified_on: str,
    revenue: str,
    growth: str,
    rd_expense: str,
    award: str | None,
    cultivation: str | None,
    total: str,
) -> None:
    """Nanshan 国高 enterprise, taxed in Nanshan, good credit, no other money measure.

    high-growth-hte-award: certified in 2025 (= 2026 − 1), revenue ≥ 10,000,000, growth X ≥
    0.20, rd_intensity Y ≥ 0.05; first row of (X ≥ 1 ∧ Y ≥ 0.2 → 1,000,000; X ≥ 0.5 ∧ Y ≥ 0.2
    → 400,000; X ≥ 0.5 → 250,000; X ≥ 0.2 ∧ Y ≥ 0.2 → 200,000; else 150,000).
    hte-cultivation-support: certified less than one whole year before 2026-11-23 → 1,000,000.
    Both are in the exclusive group hte-award: total_amount counts the best amount once.
    `None` in the award/cultivation columns means ineligible.
    """
    data = match(hte_profile(certified_on, revenue, growth, rd_expense))

    for slug, amount in (
        ("high-growth-hte-award", award),
        ("hte-cultivation-support", cultivation),
    ):
        line = result(data, slug)
        if amount is None:
            assert line["status"] == "ineligible", slug
        else:
            assert (line["status"], line["amount"]) == ("eligible", amount), slug
        assert missing_of(line) == set(), slug
    assert data["summary"]["total_amount"] == total
    assert data["summary"]["could_unlock_amount"] == "0.00"


JINGYAN: Json = {
    "enterprise": {
        "registered_district": "nanshan",
        "registered_on": "2016-04-12",
        "industry": "advanced_manufacturing",
        "employee_count": 600,
        "annual_revenue": "200000000.00",
        "revenue_growth_rate": "0.10",
        "rd_expense": "12000000.00",
        "is_strategic_emerging": True,
        "is_high_tech_enterprise": True,
        "high_tech_certified_on": "2024-08-01",
        "ip_count": 55,
        "has_bad_credit": False,
        "tax_registered_in_nanshan": True,
        "is_in_sme_tech_database": False,
        "funding_stage": "listed",
        "is_space_operator": False,
        "is_vc_institution": False,
        "participates_open_source": False,
        "is_scenario_publisher": True,
        "is_scenario_solver": False,
        "is_specialized_sme": True,
        # is_little_giant and is_future_industry deliberately unknown: an `any` that is already
        # true needs nothing more.
    },
    "people": [],
    "loans": [
        {
            "ref": "l1",
            "product": "financial_leasing",
            "amount": "20000000.00",
            "rate": "0.05",
            "guarantee_fee": "0.00",
            "other_fees": "100000.00",
        },
        {
            "ref": "l2",
            "product": "financial_leasing",
            "amount": "10000000.00",
            "rate": "0.045",
            "guarantee_fee": "0.00",
            "other_fees": "50000.00",
        },
        {
            "ref": "l3",
            "product": "commercial_factoring",
            "amount": "5000000.00",
            "rate": "0.06",
            "guarantee_fee": "0.00",
            "other_fees": "20000.00",
        },
        {
            "ref": "l4",
            "product": "green_loan",
            "amount": "8000000.00",
            "rate": "0.03",
            "interest_paid": "180000.00",
            "guarantee_fee": "0.00",
            "other_fees": "10000.00",
        },
        {
            "ref": "l5",
            "product": "working_capital_loan",
            "amount": "3000000.00",
            "rate": "0.04",
            "guarantee_fee": "45000.00",
            "other_fees": "0.00",
        },
    ],
}


def test_it_caps_leasing_and_factoring_per_type_and_lists_the_specialized_sme_award(
    catalogue: None,
) -> None:
    """Jingyan, a 专精特新 precision-equipment maker in Nanshan (2016, revenue 200,000,000).

    Enterprise: 专精特新 true → the `any` holds with is_little_giant unknown → award eligible,
    amount null (no source gives it), nothing missing. Strategic → R&D space (future industry
    unknown does not matter). Publisher → 3,000,000. 千亿融资, appeal, lifecycle; revenue ≥
    30,000,000 → 成长贷; ip 55 → IP-pledge loan; R&D → 研发贷. Age 10, advanced manufacturing
    → no 模力营 / 零租 / joint incubation; listed → no early-stage money; 国高 since 2024-08-01 →
    neither hte award. Eligible 9.
    Loans (each eligible for exactly one measure; tech-loan and guarantee-fee need a bank loan
    product, and l5 is not in the SME tech database for the tech-loan subsidy):
    l1 leasing: 0.70 × (20,000,000 × 0.05 + 100,000) = 0.70 × 1,100,000 = 770,000.00
    l2 leasing: 0.70 × (10,000,000 × 0.045 + 50,000) = 0.70 × 500,000 = 350,000.00
    l3 factoring: 0.70 × (5,000,000 × 0.06 + 20,000) = 0.70 × 320,000 = 224,000.00
    l4 green: interest_paid replaces amount × rate: 0.50 × (180,000 + 10,000) = 95,000.00
    l5 working capital with a 45,000 guarantee fee → 贴保 eligible, amount null.
    Leasing sum 1,120,000 → 1,000,000 (per enterprise per type); factoring 224,000 separately.
    Total 3,000,000 + 1,000,000 + 224,000 + 95,000 = 4,319,000.00.
    Lines 20 + 30 = 50: eligible 9 + 5 = 14, ineligible 11 + 25 = 36.
    """
    data = match(JINGYAN)

    check_lines(
        data,
        {
            ("policy-rd-space-rent-discount", None): eligible(),
            ("hundred-billion-financing-plan", None): eligible(),
            ("scenario-publisher-grant", None): eligible("3000000.00"),
            ("scenario-opening-appeal-channel", None): eligible(),
            ("lifecycle-one-stop-service", None): eligible(),
            ("loan-growth", None): eligible(),
            ("loan-ip-pledge", None): eligible(),
            ("loan-rd", None): eligible(),
            ("specialized-sme-award", None): eligible(None),
            ("leasing-factoring-subsidy", "l1"): eligible("770000.00"),
            ("leasing-factoring-subsidy", "l2"): eligible("350000.00"),
            ("leasing-factoring-subsidy", "l3"): eligible("224000.00"),
            ("green-financing-subsidy", "l4"): eligible("95000.00"),
            ("loan-guarantee-fee-subsidy", "l5"): eligible(None),
        },
        loans=["l1", "l2", "l3", "l4", "l5"],
    )
    check_summary(
        data, eligible=14, ineligible=36, undetermined=0, total="4319000.00", unlock="0.00"
    )


ZHIYUAN: Json = {
    "enterprise": {
        "registered_district": "nanshan",
        "registered_on": "2024-03-01",
        "industry": "ai",
        "employee_count": 45,
        "annual_revenue": "25000000.00",
        "revenue_growth_rate": "0.80",
        "rd_expense": "5000000.00",
        "is_strategic_emerging": True,
        "is_future_industry": True,
        "is_high_tech_enterprise": False,
        "ip_count": 12,
        "has_bad_credit": False,
        "tax_registered_in_nanshan": True,
        "is_in_sme_tech_database": True,
        "funding_stage": "a",
        **NO_FLAGS,
        "participates_open_source": True,
    },
    "people": [
        {
            "ref": "p1",
            "name": "王亦凡",
            "degree": "phd",
            "hukou_city": "beijing",
            "age": 32,
            "is_founder": True,
            "talent_tier": "national_high_level",
            "is_student": False,
            "is_fresh_graduate": False,
            "owns_home_in_shenzhen": False,
        },
        {
            "ref": "p2",
            "name": "赵磊",
            "degree": "master",
            "hukou_city": "shenzhen",
            "hukou_district": "nanshan",
            "hukou_transferred_on": "2020-01-01",
            "age": 46,
            "is_founder": True,
            "talent_tier": "none",
            "is_student": False,
            "is_fresh_graduate": False,
            "owns_home_in_shenzhen": True,
        },
        {
            "ref": "p3",
            "degree": "none",
            "hukou_city": "chengdu",
            "age": 21,
            "is_founder": False,
            "talent_tier": "none",
            "is_student": True,
            "is_fresh_graduate": False,
            "owns_home_in_shenzhen": False,
        },
    ],
    "loans": [
        {
            "ref": "l1",
            "product": "growth_loan",
            "amount": "20000000.00",
            "rate": "0.045",
            "guarantee_fee": "0.00",
            "other_fees": "0.00",
        },
        {
            "ref": "l2",
            "product": "rd_loan",
            "amount": "15000000.00",
            "rate": "0.05",
            "interest_paid": "700000.00",
            "guarantee_fee": "0.00",
            "other_fees": "0.00",
        },
        {
            "ref": "l3",
            "product": "incubation_loan",
            "amount": "200000.00",
            "rate": "0.0499",
            "guarantee_fee": "0.00",
            "other_fees": "0.00",
        },
        {
            "ref": "l4",
            "product": "working_capital_loan",
            "amount": "250000.00",
            "rate": "0.04",
            "guarantee_fee": "0.00",
            "other_fees": "0.00",
        },
        {
            "ref": "l5",
            "product": "working_capital_loan",
            "amount": "1000000.00",
            "other_fees": "0.00",
        },
    ],
}


def test_it_caps_tech_loan_interest_subsidies_at_one_million_across_the_enterprise_loans(
    catalogue: None,
) -> None:
    """Zhiyuan, Nanshan AI startup registered 2024-03-01 (2 years), revenue 25,000,000, R&D
    5,000,000 (rd_intensity 0.20 ≥ 0.04), in the SME tech database, series A, open source.

    Enterprise eligible (12): both office spaces, R&D space, early-stage (a), joint incubation,
    千亿融资, open source 10,000,000, appeal, lifecycle, 孵化贷 (< 30,000,000), IP-pledge loan
    (ip 12), 研发贷. Not operator/VC/publisher/solver/专精特新, not a 国高 → 7 false; the 国高
    cultivation support is undetermined (pool membership unknown, cap 1,000,000).
    p1 PhD founder, 32, Beijing hukou, no home: key-industry award 600,000 (founder), rent-free
    housing, youth pilot; no free lodging (not a fresh graduate).
    p2 founder aged 46: over the 45 limit for the award, housing (also owns a home) and youth
    pilot; hukou from 2020 → no living subsidy → all 8 false.
    p3 student intern, degree none: the 520 voucher only (none is not a higher degree).
    Tech-loan subsidy, 0.70 × interest where interest ≥ 10,000:
    l1 growth: 20,000,000 × 0.045 = 900,000 → 630,000.00
    l2 rd: interest_paid 700,000 replaces 15,000,000 × 0.05 → 490,000.00
    l3 incubation: 200,000 × 0.0499 = 9,980 < 10,000 → ineligible
    l4 working capital: 250,000 × 0.04 = 10,000 (boundary, gte) → 7,000.00
    l5 working capital: rate and interest_paid unknown → undetermined, missing `rate` only
    (amount is known); amount unknown. Its guarantee fee is unknown too → 贴保 undetermined,
    missing `guarantee_fee`. Every other guarantee fee is 0 → 贴保 false.
    Tech-loan sum 630,000 + 490,000 + 7,000 = 1,127,000 → capped at 1,000,000 per enterprise.
    Total 10,000,000 + 600,000 + 520 + 1,000,000 = 11,600,520.00; could unlock 1,000,000.00
    (the cultivation support; the two undetermined loan lines have no known amount).
    Lines 20 + 24 + 30 = 74: eligible 12 + 3 + 1 + 3 = 19, undetermined 3, ineligible 52.
    """
    data = match(ZHIYUAN)

    check_lines(
        data,
        {
            ("office-moliying-rent-free", None): eligible(),
            ("office-zero-rent-accelerator", None): eligible(),
            ("policy-rd-space-rent-discount", None): eligible(),
            ("early-stage-equity-investment", None): eligible(),
            ("joint-incubation", None): eligible(),
            ("hundred-billion-financing-plan", None): eligible(),
            ("open-source-ecosystem-support", None): eligible("10000000.00"),
            ("scenario-opening-appeal-channel", None): eligible(),
            ("lifecycle-one-stop-service", None): eligible(),
            ("loan-incubation", None): eligible(),
            ("loan-ip-pledge", None): eligible(),
            ("loan-rd", None): eligible(),
            ("hte-cultivation-support", None): undetermined(
                "1000000.00", "in_hte_cultivation_pool"
            ),
            ("key-industry-startup-talent-award", "p1"): eligible("600000.00"),
            ("startup-talent-rent-free-housing", "p1"): eligible(),
            ("youth-pilot-startup-team", "p1"): eligible(),
            ("talent-experience-voucher", "p3"): eligible("520.00"),
            ("tech-loan-interest-subsidy", "l1"): eligible("630000.00"),
            ("tech-loan-interest-subsidy", "l2"): eligible("490000.00"),
            ("tech-loan-interest-subsidy", "l4"): eligible("7000.00"),
            ("tech-loan-interest-subsidy", "l5"): undetermined(None, "rate"),
            ("loan-guarantee-fee-subsidy", "l5"): undetermined(None, "guarantee_fee"),
        },
        people=["p1", "p2", "p3"],
        loans=["l1", "l2", "l3", "l4", "l5"],
    )
    check_summary(
        data, eligible=19, ineligible=52, undetermined=3, total="11600520.00", unlock="1000000.00"
    )


YUANHANG: Json = {
    "enterprise": {
        "registered_district": "nanshan",
        "registered_on": "2025-01-01",
        "industry": "ai",
        "annual_revenue": "3000000.00",
        "revenue_growth_rate": "1.50",
        "rd_expense": "1000000.00",
        "is_strategic_emerging": True,
        "is_future_industry": False,
        "is_high_tech_enterprise": False,
        "ip_count": 3,
        "has_bad_credit": True,
        "tax_registered_in_nanshan": True,
        "is_in_sme_tech_database": True,
        "funding_stage": "angel",
        **NO_FLAGS,
        "participates_open_source": True,
        "is_scenario_solver": True,
    },
    "people": [
        {
            "ref": "p1",
            "degree": "master",
            "hukou_city": "shenzhen",
            "hukou_district": "nanshan",
            "hukou_transferred_on": "2026-10-01",
            "age": 29,
            "is_founder": True,
            "talent_tier": "core",
            "is_student": False,
            "is_fresh_graduate": True,
            "owns_home_in_shenzhen": False,
        }
    ],
    "loans": [
        {
            "ref": "l1",
            "product": "ip_pledge_loan",
            "amount": "1000000.00",
            "rate": "0.04",
            "guarantee_fee": "10000.00",
            "other_fees": "0.00",
        }
    ],
}


def test_it_excludes_a_bad_credit_enterprise_only_from_the_credit_checked_measures(
    catalogue: None,
) -> None:
    """Yuanhang, Nanshan AI startup (2025-01-01, 1 year) with a bad-credit record.

    Every measure carrying `has_bad_credit eq false` is ineligible, whatever else holds (open
    source, solver, 模力营, R&D space, loans, the 600,000 award and the youth pilot).
    Measures without the credit condition still hold: early-stage investment (Nanshan, angel),
    joint incubation (age 1), appeal channel, lifecycle services (enterprise, 4); and for p1
    (master, Nanshan hukou since 2026-10-01, 29, no home) the 50,000 living subsidy and the
    rent-free housing (open question 9: living subsidies and housing carry no credit check).
    p1 is a fresh graduate but has a Shenzhen hukou → no free lodging.
    l1 IP-pledge: all six loan measures are false (credit; product).
    Eligible 4 + 2 = 6; ineligible 16 + 6 + 6 = 28. Total 50,000.00.
    """
    data = match(YUANHANG)

    check_lines(
        data,
        {
            ("early-stage-equity-investment", None): eligible(),
            ("joint-incubation", None): eligible(),
            ("scenario-opening-appeal-channel", None): eligible(),
            ("lifecycle-one-stop-service", None): eligible(),
            ("talent-living-subsidy-master", "p1"): eligible("50000.00"),
            ("startup-talent-rent-free-housing", "p1"): eligible(),
        },
        people=["p1"],
        loans=["l1"],
    )
    check_summary(data, eligible=6, ineligible=28, undetermined=0, total="50000.00", unlock="0.00")


MOLI: Json = {
    "enterprise": {
        "registered_district": "nanshan",
        "registered_on": "2018-06-01",
        "industry": "modern_services",
        "annual_revenue": "12000000.00",
        "rd_expense": "0.00",
        "is_strategic_emerging": False,
        "is_future_industry": False,
        "is_high_tech_enterprise": False,
        "ip_count": 0,
        "has_bad_credit": False,
        "tax_registered_in_nanshan": True,
        "funding_stage": "none",
        **NO_FLAGS,
        "is_space_operator": True,
    },
    "people": [],
    "loans": [],
}


def test_it_grants_the_space_operator_its_yearly_support(catalogue: None) -> None:
    """Moli Space, Nanshan operator of a 模力营-series space (modern services, 2018).

    Operator support: operator, Nanshan, good credit → 5,000,000. Also: early-stage (funding
    none is "投早投小"), 千亿融资, appeal, lifecycle, 孵化贷 (12,000,000 < 30,000,000).
    False: R&D expense 0 (研发贷 needs gt 0), ip_count 0 (IP-pledge loan), not a key or
    AI/robotics industry and 8 years old (offices, joint incubation), no strategic/future
    industry, no flags → 13 ineligible. Not a 国高 and pool membership unknown → the 国高
    cultivation support is undetermined. Total 5,000,000.00; could unlock 1,000,000.00.
    """
    data = match(MOLI)

    check_lines(
        data,
        {
            ("moliying-space-operator-support", None): eligible("5000000.00"),
            ("early-stage-equity-investment", None): eligible(),
            ("hundred-billion-financing-plan", None): eligible(),
            ("scenario-opening-appeal-channel", None): eligible(),
            ("lifecycle-one-stop-service", None): eligible(),
            ("loan-incubation", None): eligible(),
            ("hte-cultivation-support", None): undetermined(
                "1000000.00", "in_hte_cultivation_pool"
            ),
        },
    )
    check_summary(
        data, eligible=6, ineligible=13, undetermined=1, total="5000000.00", unlock="1000000.00"
    )


@pytest.mark.parametrize(
    ("as_of", "registered_on", "status"),
    [
        # policies.md §6a: a 2022-12-02 firm is 2 on 2025-12-01; a 2022-12-01 firm is 3
        (date(2025, 12, 1), "2022-12-02", "eligible"),
        (date(2025, 12, 1), "2022-12-01", "ineligible"),
        # a 2023-11-23 firm is 3 on 2026-11-23 → not < 3
        (AS_OF, "2023-11-23", "ineligible"),
        (AS_OF, "2023-11-24", "eligible"),
        (AS_OF, "2026-11-23", "eligible"),
    ],
    ids=["2y-day-before", "3y-on-the-day", "3y-today", "2y-today", "registered-today"],
)
def test_it_counts_enterprise_age_in_whole_years_from_the_evaluation_date(
    catalogue: None, as_of: date, registered_on: str, status: str
) -> None:
    """joint-incubation has a single condition, enterprise_age_years lt 3 (valid from
    2025-03-26, so both evaluation dates are inside its validity)."""
    data = match(
        {"enterprise": {"registered_on": registered_on}, "people": [], "loans": []}, as_of=as_of
    )

    line = result(data, "joint-incubation")
    assert line["status"] == status
    assert missing_of(line) == set()


@pytest.mark.parametrize(
    ("transferred_on", "hukou_district", "status", "amount"),
    [
        ("2026-08-20", "nanshan", "eligible", "50000.00"),  # 3 months: 0 whole years
        ("2026-11-23", "nanshan", "eligible", "50000.00"),  # today: 0 years
        ("2025-11-24", "nanshan", "eligible", "50000.00"),  # one day short of a year
        ("2025-11-23", "nanshan", "ineligible", None),  # exactly 1 year → not < 1
        ("2026-08-20", "futian", "ineligible", None),  # Shenzhen hukou outside Nanshan
    ],
    ids=["3-months", "today", "one-day-short", "one-year", "futian-hukou"],
)
def test_it_counts_years_since_the_hukou_transfer_for_the_living_subsidy(
    catalogue: None,
    transferred_on: str,
    hukou_district: str,
    status: str,
    amount: str | None,
) -> None:
    """Master's graduate of a Nanshan enterprise with a Shenzhen hukou: the 50,000 subsidy
    needs the hukou in Nanshan and moved in less than one whole year before 2026-11-23."""
    person = {
        "ref": "p1",
        "degree": "master",
        "hukou_city": "shenzhen",
        "hukou_district": hukou_district,
        "hukou_transferred_on": transferred_on,
    }
    data = match(
        {"enterprise": {"registered_district": "nanshan"}, "people": [person], "loans": []}
    )

    line = result(data, "talent-living-subsidy-master", "p1")
    assert line["status"] == status
    if amount is not None:
        assert line["amount"] == amount
    assert missing_of(line) == set()
    # a master's degree never qualifies for the bachelor's subsidy
    assert result(data, "talent-living-subsidy-bachelor", "p1")["status"] == "ineligible"


def test_it_treats_rd_intensity_as_unknown_when_revenue_is_zero(catalogue: None) -> None:
    """Nanshan firm with revenue 0 and R&D 500,000: rd_intensity is unknown (§6a), not infinite.

    tech-loan-interest-subsidy on an rd_loan (interest 1,000,000 × 0.05 = 50,000 ≥ 10,000, in
    the SME tech database, taxed in Nanshan, good credit): only the rd_intensity condition is
    unknown → undetermined; its amount is known: 0.70 × 50,000 = 35,000.00, which is the whole
    could-unlock figure (every flag is false; the lines left undetermined by the unknown
    registration date and funding stage carry no amount).
    high-growth-hte-award: revenue 0 < 10,000,000 is false → ineligible with nothing missing,
    although rd_intensity is unknown (Kleene: a false condition decides an `all`).
    loan-incubation: 0 < 30,000,000 → eligible; loan-rd: 500,000 > 0 → eligible.
    """
    data = match(
        {
            "enterprise": {
                "registered_district": "nanshan",
                "tax_registered_in_nanshan": True,
                "has_bad_credit": False,
                "is_in_sme_tech_database": True,
                "annual_revenue": "0.00",
                "rd_expense": "500000.00",
                "is_high_tech_enterprise": True,
                "high_tech_certified_on": "2025-03-01",
                **NO_FLAGS,
            },
            "people": [],
            "loans": [
                {
                    "ref": "l1",
                    "product": "rd_loan",
                    "amount": "1000000.00",
                    "rate": "0.05",
                    "guarantee_fee": "0.00",
                    "other_fees": "0.00",
                }
            ],
        }
    )

    tech_loan = result(data, "tech-loan-interest-subsidy", "l1")
    assert tech_loan["status"] == "undetermined"
    assert tech_loan["amount"] == "35000.00"
    # Both inputs are known; whether the engine names them is not specified.
    assert missing_of(tech_loan) <= {"annual_revenue", "rd_expense"}
    high_growth = result(data, "high-growth-hte-award")
    assert high_growth["status"] == "ineligible"
    assert missing_of(high_growth) == set()
    assert result(data, "hte-cultivation-support")["status"] == "ineligible"  # 1 whole year
    assert result(data, "loan-incubation")["status"] == "eligible"
    assert result(data, "loan-rd")["status"] == "eligible"
    assert data["summary"]["total_amount"] == "0.00"
    assert data["summary"]["could_unlock_amount"] == "35000.00"


def test_it_reports_an_eligible_measure_whose_formula_input_is_unknown_without_an_amount(
    catalogue: None,
) -> None:
    """Nanshan firm, taxed in Nanshan, good credit, two IP-pledge loans.

    l1: eligible (district, tax, credit, product) but its guarantee fee is unknown → the
    formula 0.70 × (interest + guarantee_fee + other_fees) is unknown → amount null (never 0).
    l2: interest_paid 40,000 replaces amount × rate (both unknown): 0.70 × (40,000 + 5,000 +
    2,000) = 32,900.00.
    Total 32,900.00 (l1 adds nothing). Could unlock: the enterprise flags are unknown, so as
    for the empty profile operator 5,000,000 + cultivation 1,000,000 + open source 10,000,000 +
    publisher 3,000,000 + solver 5,000,000 = 24,000,000.00.
    """
    data = match(
        {
            "enterprise": {
                "registered_district": "nanshan",
                "tax_registered_in_nanshan": True,
                "has_bad_credit": False,
            },
            "people": [],
            "loans": [
                {
                    "ref": "l1",
                    "product": "ip_pledge_loan",
                    "amount": "1000000.00",
                    "rate": "0.05",
                    "other_fees": "0.00",
                },
                {
                    "ref": "l2",
                    "product": "ip_pledge_loan",
                    "interest_paid": "40000.00",
                    "guarantee_fee": "5000.00",
                    "other_fees": "2000.00",
                },
            ],
        }
    )

    l1 = result(data, "ip-pledge-financing-subsidy", "l1")
    assert (l1["status"], l1["amount"]) == ("eligible", None)
    l2 = result(data, "ip-pledge-financing-subsidy", "l2")
    assert (l2["status"], l2["amount"]) == ("eligible", "32900.00")
    assert result(data, "tech-loan-interest-subsidy", "l1")["status"] == "ineligible"
    assert data["summary"]["total_amount"] == "32900.00"
    assert data["summary"]["could_unlock_amount"] == "24000000.00"


@pytest.mark.parametrize(
    ("issue", "interest_paid", "other_fees", "revenue", "amount"),
    [
        # A = 30,000,000; cost 1,500,000;
        # (0.7 × 10,000,000 + 0.5 × 20,000,000) / 30,000,000 × 1,500,000 = 850,000
        ("30000000.00", "1200000.00", "300000.00", "200000000.00", "850000.00"),
        # same issue, revenue 100,000,000: 8‰ = 800,000 caps the enterprise's yearly total, not
        # the line (a manual check), so the line keeps its tiered share 850,000
        ("30000000.00", "1200000.00", "300000.00", "100000000.00", "850000.00"),
        # A = 60,000,000; cost 2,400,000; (7,000,000 + 20,000,000 + 0.3 × 10,000,000) /
        # 60,000,000 = 0.5 → 1,200,000
        ("60000000.00", "2000000.00", "400000.00", "500000000.00", "1200000.00"),
        # A = 8,000,000 ≤ 10,000,000: 0.7 × 400,000 = 280,000; revenue not needed
        ("8000000.00", "360000.00", "40000.00", None, "280000.00"),
        # A = 10,000,000 exactly (not gt): 0.7 × 500,000 = 350,000; revenue not needed
        ("10000000.00", "500000.00", "0.00", None, "350000.00"),
        # A > 10,000,000 with revenue unknown: the line does not read revenue → 850,000
        ("30000000.00", "1200000.00", "300000.00", None, "850000.00"),
    ],
    ids=[
        "tiers",
        "8-permille-not-per-line",
        "three-tiers",
        "small-issue",
        "at-10m",
        "revenue-unknown",
    ],
)
def test_it_splits_ip_securitization_costs_across_tiers_and_leaves_the_8_permille_cap_to_the_total(
    catalogue: None,
    issue: str,
    interest_paid: str,
    other_fees: str,
    revenue: str | None,
    amount: str | None,
) -> None:
    """ip-securitization-subsidy: eligible (Nanshan, taxed in Nanshan, good credit, product)
    with cost = interest + guarantee_fee (0) + other_fees, split over 70% / 50% / 30% tiers of
    the issue. The 8‰-of-revenue ceiling applies to the enterprise's yearly total when its
    issues in the year exceed 10,000,000 (policies.md §1, corrections of 2026-12-01): it is not
    a per-line test, so the line amount never reads revenue, and the amount note says the
    ceiling is left to staff."""
    enterprise: Json = {
        "registered_district": "nanshan",
        "tax_registered_in_nanshan": True,
        "has_bad_credit": False,
    }
    if revenue is not None:
        enterprise["annual_revenue"] = revenue
    loan = {
        "ref": "l1",
        "product": "ip_securitization",
        "amount": issue,
        "interest_paid": interest_paid,
        "guarantee_fee": "0.00",
        "other_fees": other_fees,
    }
    data = match({"enterprise": enterprise, "people": [], "loans": [loan]})

    line = result(data, "ip-securitization-subsidy", "l1")
    assert (line["status"], line["amount"]) == ("eligible", amount)
    assert "at most 0.8% of last year's audited revenue" in line["amount_note"]
    assert result(data, "ip-pledge-financing-subsidy", "l1")["status"] == "ineligible"


def test_it_rounds_money_half_up_to_the_fen(catalogue: None) -> None:
    """Green loan: 0.50 × (10,000.05 + 0) = 5,000.025 → ROUND_HALF_UP 5,000.03 (half-even would
    give 5,000.02). Tech loan: 1,234,567 × 0.0365 = 45,061.6955 ≥ 10,000; × 0.70 =
    31,543.18685 → 31,543.19 (rd_intensity 1,000,000 / 10,000,000 = 0.10)."""
    data = match(
        {
            "enterprise": {
                "registered_district": "nanshan",
                "tax_registered_in_nanshan": True,
                "has_bad_credit": False,
                "is_in_sme_tech_database": True,
                "annual_revenue": "10000000.00",
                "rd_expense": "1000000.00",
            },
            "people": [],
            "loans": [
                {
                    "ref": "l1",
                    "product": "green_loan",
                    "interest_paid": "10000.05",
                    "guarantee_fee": "0.00",
                    "other_fees": "0.00",
                },
                {
                    "ref": "l2",
                    "product": "working_capital_loan",
                    "amount": "1234567.00",
                    "rate": "0.0365",
                    "guarantee_fee": "0.00",
                    "other_fees": "0.00",
                },
            ],
        }
    )

    assert result(data, "green-financing-subsidy", "l1")["amount"] == "5000.03"
    assert result(data, "tech-loan-interest-subsidy", "l2")["amount"] == "31543.19"
    assert data["summary"]["total_amount"] == "36543.22"


def test_it_never_lists_the_retired_or_draft_shenzhen_measures_even_for_a_qualifying_person(
    catalogue: None,
) -> None:
    """A PhD whose hukou moved to Nanshan in September 2026 would meet every condition of the
    retired `shenzhen-new-talent-living-subsidy` (degree, Shenzhen hukou, < 1 year) and could
    meet the draft `shenzhen-new-phd-living-subsidy` (PhD, Shenzhen hukou; age unknown), but
    retired measures and drafts are never shown. The district subsidies name only bachelor's and
    master's graduates (open question 3), so the PhD gets neither."""
    person = {
        "ref": "p1",
        "degree": "phd",
        "hukou_city": "shenzhen",
        "hukou_district": "nanshan",
        "hukou_transferred_on": "2026-09-01",
    }
    data = match(
        {"enterprise": {"registered_district": "nanshan"}, "people": [person], "loans": []}
    )

    assert {line["policy"] for line in data["results"]} == ENTERPRISE_SLUGS | PERSON_SLUGS
    assert result(data, "talent-living-subsidy-bachelor", "p1")["status"] == "ineligible"
    assert result(data, "talent-living-subsidy-master", "p1")["status"] == "ineligible"


# --------------------------------------------------------------------------------------------
# the demo enterprises


def demo_enterprises() -> list[Json]:
    path = REPO_ROOT / "seeds" / "demo_enterprises.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(items, list)
    return items


def as_request(item: Json) -> Json:
    """The demo item as a §7 request body (YAML dates become ISO strings)."""
    body = {
        key: item.get(key) or ([] if key != "enterprise" else {})
        for key in ("enterprise", "people", "loans")
    }
    converted: Json = json.loads(json.dumps(body, default=str))
    return converted


def test_it_ships_at_least_eight_demo_enterprises_with_valid_codes_and_known_facts() -> None:
    from stdnum.cn import uscc

    items = demo_enterprises()
    assert len(items) >= 8
    codes = [item["credit_code"] for item in items]
    assert len(set(codes)) == len(codes)
    assert len({item["name"] for item in items}) == len(items)
    for item in items:
        assert uscc.is_valid(item["credit_code"]), item["name"]
        assert item["credit_code"].startswith("914403"), item["name"]
        assert item["name_en"]
        assert set(item["enterprise"]) <= ENTERPRISE_FACTS, item["name"]
        for person in item.get("people") or []:
            assert set(person) <= PERSON_FACTS | {"ref", "name"}, item["name"]
        for loan in item.get("loans") or []:
            assert set(loan) <= LOAN_FACTS | {"ref"}, item["name"]


@pytest.mark.parametrize(
    ("name", "counts", "total", "unlock"),
    [
        # Not a 国高 with cultivation-pool membership unknown: the 国高 cultivation support is
        # undetermined at its cap 1,000,000 for every non-国高 Nanshan profile below that does
        # not rule it out on district, tax or credit.
        ("深圳市灵犀机器人科技有限公司", (19, 28, 1), "6409250.00", "1000000.00"),
        ("深圳市智元星图人工智能有限公司", (19, 52, 3), "11600520.00", "1000000.00"),
        ("深圳市像素纪元网络科技有限公司", (9, 42, 1), "10630000.00", "600000.00"),
        # VC: vc 2,000,000 + early-stage, 千亿融资, appeal, lifecycle, 成长贷 (revenue
        # exactly 30,000,000) without amounts; 13 false; cultivation undetermined (pool unknown)
        ("深圳市南山湾创业投资管理有限公司", (6, 13, 1), "2000000.00", "1000000.00"),
        # HTE certified 2025-12-10: R&D space, 千亿融资, cultivation, appeal, lifecycle, 成长贷,
        # IP-pledge loan, 研发贷, high-growth award; the hte-award group counts 1,000,000 once
        ("深圳市芯跃微电子股份有限公司", (9, 11, 0), "1000000.00", "0.00"),
        ("深圳市精研智能装备股份有限公司", (14, 36, 0), "4319000.00", "0.00"),
        ("深圳市福田启明人工智能科技有限公司", (4, 38, 0), "0.00", "0.00"),
        ("深圳市远航信息技术有限公司", (6, 28, 0), "50000.00", "0.00"),
        ("深圳市模力空间运营管理有限公司", (6, 13, 1), "5000000.00", "1000000.00"),
        ("深圳市未知数科技有限公司", (3, 8, 31), "0.00", "25331040.00"),
        # Biomedicine startup (2025-08-18, revenue 0): enterprise 10 eligible (零租, R&D space,
        # early-stage, joint incubation, 千亿融资, appeal, lifecycle, 孵化贷, IP-pledge loan,
        # 研发贷); p1 (fresh bachelor from Xi'an) free lodging + housing; p2 (bachelor, Nanshan
        # hukou since 2026-03-15, core) 30,000 + 600,000 + housing; l1 incubation loan: 贴保
        # eligible, tech-loan undetermined (rd_intensity unknown at revenue 0) with
        # 0.70 × 1,500,000 × 0.038 = 39,900; plus the 国高 cultivation support (pool unknown)
        # 1,000,000.
        ("深圳市衡康生物医药科技有限公司", (16, 24, 2), "630000.00", "1039900.00"),
    ],
)
def test_it_matches_each_demo_enterprise_as_its_comment_says(
    catalogue: None, name: str, counts: tuple[int, int, int], total: str, unlock: str
) -> None:
    """The demo file's profiles give the summaries derived by hand (for the ones also tested
    line by line above, see those tests)."""
    (item,) = [item for item in demo_enterprises() if item["name"] == name]
    data = match(as_request(item))

    check_summary(
        data,
        eligible=counts[0],
        ineligible=counts[1],
        undetermined=counts[2],
        total=total,
        unlock=unlock,
    )
