"""#13.4: the daily re-match changes exactly what the new day changes, and nothing else."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import TestCase

from enterprises.models import Enterprise
from enterprises.services import enterprise_save_profile
from policies.models import Policy
from policies.services import PUBLISHER_GROUP, policy_publish, policy_version_draft
from policy_match.daily import rematch_daily
from policy_match.models import ChangeCause, Match, MatchChange, RematchRun
from policy_match.profile import Profile
from policy_match.services import match_enterprise
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
YESTERDAY, TODAY = date(2026, 12, 4), date(2026, 12, 5)
ROBOTICS = {"registered_district": "nanshan", "industry": "robotics", "has_bad_credit": False}


@pytest.fixture
def catalogue(seeds_dir: Path) -> None:
    call_command("load_catalogue", str(seeds_dir), stdout=io.StringIO())
    call_command("create_staff_groups", stdout=io.StringIO())


def _store(name: str, enterprise: dict[str, Any], people: list[dict[str, Any]] = ()) -> Enterprise:
    profile = Profile.from_data(
        {"enterprise": enterprise, "people": list(people)}, for_storage=True
    )
    saved = enterprise_save_profile(profile=profile, name=name)
    match_enterprise(enterprise=saved, as_of=YESTERDAY)
    return saved


def _status(enterprise: Enterprise, slug: str) -> str | None:
    row = Match.objects.filter(enterprise=enterprise, policy__slug=slug).first()
    return None if row is None else row.status


def _run_daily(day: date = TODAY) -> list[RematchRun]:
    with TestCase.captureOnCommitCallbacks(execute=True):  # the chunks go on commit
        return rematch_daily(as_of=day)


def test_a_company_turning_three_leaves_a_startup_measure_that_day(catalogue: None) -> None:
    turning = _store("满三年", {**ROBOTICS, "registered_on": "2023-12-05"})
    younger = _store("两年", {**ROBOTICS, "registered_on": "2024-06-01"})
    younger_written = Match.objects.get(
        enterprise=younger, policy__slug="office-zero-rent-accelerator"
    )

    runs = _run_daily()

    slug = "office-zero-rent-accelerator"
    assert _status(turning, slug) == "ineligible" and _status(younger, slug) == "eligible"
    event = MatchChange.objects.get(enterprise=turning, policy__slug=slug, cause=ChangeCause.DAILY)
    assert (event.from_status, event.to_status) == ("eligible", "ineligible")
    again = Match.objects.get(pk=younger_written.pk)
    assert again.evaluated_at == younger_written.evaluated_at  # not crossing: not written
    run = next(r for r in runs if r.policy.slug == slug)
    assert run.crossings_only and run.chunks_total == 1 and run.cause == ChangeCause.DAILY


def test_a_person_turning_46_loses_the_talent_award_that_day(catalogue: None) -> None:
    founder = {"ref": "p1", "degree": "master", "is_founder": True}
    startup = {**ROBOTICS, "registered_on": "2024-09-01"}
    ageing = _store("创始人46", startup, [{**founder, "born_on": "1980-12-05"}])
    younger = _store("创始人45", startup, [{**founder, "born_on": "1981-01-10"}])
    slug = "key-industry-startup-talent-award"
    assert _status(ageing, slug) == _status(younger, slug) == "eligible"

    _run_daily()

    assert _status(ageing, slug) == "ineligible" and _status(younger, slug) == "eligible"


def test_a_hukou_date_leaving_its_one_year_window_ends_the_living_subsidy(
    catalogue: None,
) -> None:
    settled = {"ref": "p1", "degree": "master", "hukou_city": "shenzhen",
               "hukou_district": "nanshan"}  # fmt: skip
    leaving = _store("迁户满一年", ROBOTICS, [{**settled, "hukou_transferred_on": "2025-12-05"}])
    staying = _store("迁户半年", ROBOTICS, [{**settled, "hukou_transferred_on": "2026-06-05"}])
    slug = "talent-living-subsidy-master"
    assert _status(leaving, slug) == _status(staying, slug) == "eligible"

    _run_daily()

    assert _status(leaving, slug) == "ineligible" and _status(staying, slug) == "eligible"


def test_a_version_starting_or_ending_that_day_rematches_its_whole_measure(
    catalogue: None,
) -> None:
    publisher = UserFactory(is_staff=True)
    publisher.groups.add(Group.objects.get(name=PUBLISHER_GROUP))
    ending, starting = Policy.objects.get(slug="loan-rd"), Policy.objects.get(slug="loan-growth")
    for policy, fields in ((ending, {"valid_to": YESTERDAY}), (starting, {"valid_from": TODAY})):
        draft = policy_version_draft(policy=policy)
        for name, value in fields.items():
            setattr(draft, name, value)
        draft.save()
        policy_publish(version=draft, by=publisher)
    enterprise = _store("企业", ROBOTICS)
    assert _status(enterprise, "loan-rd") is not None

    runs = {run.policy.slug: run for run in _run_daily()}

    assert not runs["loan-rd"].crossings_only and runs["loan-rd"].version is None
    assert runs["loan-growth"].version is not None
    assert runs["loan-growth"].version.valid_from == TODAY
    assert _status(enterprise, "loan-rd") is None  # no version in force: removed …
    removed = MatchChange.objects.get(enterprise=enterprise, policy=ending, cause="daily")
    assert removed.to_status is None  # … and said so


def test_a_day_on_which_nothing_crosses_starts_no_chunk(catalogue: None) -> None:
    _store("平常", {**ROBOTICS, "registered_on": "2024-06-01"})

    runs = _run_daily(date(2026, 12, 6))

    assert runs == []
