"""Rendered result lines are cached (report.py): a cached line is the line rendered anew."""

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from policy_match import report
from policy_match.profile import Profile
from policy_match.services import match_profile

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 23)
BASE: dict[str, Any] = {
    "enterprise": {"registered_district": "nanshan", "registered_on": "2024-03-01",
                   "industry": "robotics", "employee_count": 8, "annual_revenue": "5000000"},
    "people": [{"degree": "master", "graduated_on": "2025-06-30", "hukou_city": "shenzhen"}],
    "loans": [{"product": "ip_pledge_loan", "amount": "3000000.00", "rate": "0.035"}],
}  # fmt: skip
# Each changes one fact that some measure's line shows.
VARIANTS: list[tuple[str, str, Any]] = [
    ("people", "degree", "phd"),
    ("people", "hukou_transferred_on", "2026-03-15"),
    ("people", "age", 50),
    ("people", "hukou_city", None),
    ("enterprise", "registered_on", "2015-03-01"),
    ("enterprise", "annual_revenue", "90000000"),
    ("enterprise", "industry", "gaming"),
    ("enterprise", "annual_revenue", "6000000"),  # the same outcomes: only sentences change
    ("loans", "amount", "2000000.00"),
    ("loans", "rate", None),
]


def _profile(where: str, fact: str, value: Any) -> Profile:
    data = {"enterprise": dict(BASE["enterprise"]), "people": [dict(BASE["people"][0])],
            "loans": [dict(BASE["loans"][0])]}  # fmt: skip
    target = data[where] if where == "enterprise" else data[where][0]
    target[fact] = value
    return Profile.from_data(data)


@pytest.fixture
def catalogue(seeds_dir: Path) -> None:
    call_command("load_catalogue", str(seeds_dir))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_it_renders_from_the_cache_what_it_renders_anew(catalogue: None, language: str) -> None:
    report._LINES.clear()
    base = match_profile(profile=Profile.from_data(BASE), as_of=AS_OF).to_json(language)
    cached = [match_profile(profile=_profile(*v), as_of=AS_OF).to_json(language) for v in VARIANTS]

    fresh = []
    for variant in VARIANTS:
        report._LINES.clear()
        fresh.append(match_profile(profile=_profile(*variant), as_of=AS_OF).to_json(language))

    assert cached == fresh
    assert all(body["results"] != base["results"] for body in cached)


def test_gain_is_what_the_lines_add_to_the_whole_total(catalogue: None) -> None:
    """report.gain() works measure by measure; it must equal adding the whole report up again
    (caps and 不重复享受 groups included), for the open lines and for each single line."""
    checked, grouped = 0, 0
    for variant in [("people", "degree", "master"), *VARIANTS]:
        result = match_profile(profile=_profile(*variant), as_of=AS_OF)
        eligible = [line for line in result.lines if line.outcome == report.TRUE]
        before, _ = report.total(eligible)
        others = [line for line in result.lines if line.outcome != report.TRUE]
        for extra in [others, *([line] for line in others)]:
            after, _ = report.total([*eligible, *extra])
            assert result.gain(extra) == max(after - before, report.ZERO)
            checked += 1
            grouped += any(line.policy.exclusive_group for line in extra)
    assert checked > 100
    assert grouped > 10  # 不重复享受 groups are among the lines checked
