"""Dated versions (#13.1, #13.2): the version in force on a date decides it; a publish fits a
new version into the timeline as an amendment, a correction or a future change."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from rest_framework.test import APIClient

from enterprises.models import PartnerAPIKey
from policies.models import Policy, PolicyVersion, VersionStatus
from policies.services import PUBLISHER_GROUP, policy_publish, policy_version_draft
from policies.versions import VersionOverlap, timeline, version_in_force
from tests.factories import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db
AGE = "key-industry-startup-talent-award"
SLUG = "loan-rd"


@pytest.fixture
def catalogue(seeds_dir: Path) -> None:
    call_command("load_catalogue", str(seeds_dir), stdout=io.StringIO())
    call_command("create_staff_groups", stdout=io.StringIO())


@pytest.fixture
def publisher() -> User:
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=PUBLISHER_GROUP))
    return user


def _policy(slug: str) -> Policy:
    return Policy.objects.get(slug=slug)


def _number_on(slug: str, day: date) -> int | None:
    version = version_in_force(policy_id=_policy(slug).pk, as_of=day)
    return None if version is None else version.number


@pytest.mark.parametrize(
    ("day", "number", "age_limit"),
    [
        (date(2025, 3, 25), None, None),  # before the first version
        (date(2025, 3, 26), 1, 40),  # its first day
        (date(2025, 11, 17), 1, 40),  # its last day
        (date(2025, 11, 18), 2, 45),  # the upgrade's first day
        (date(2031, 1, 1), 2, 45),  # open-ended
    ],
)
def test_it_picks_the_version_in_force_on_each_side_of_a_boundary(
    catalogue: None, day: date, number: int | None, age_limit: int | None
) -> None:
    version = version_in_force(policy_id=_policy(AGE).pk, as_of=day)

    assert _number_on(AGE, day) == number
    if version is not None:
        age = next(c for c in version.rule["all"] if c.get("fact") == "age")
        assert age["value"] == age_limit


def _draft(slug: str, **fields: Any) -> PolicyVersion:
    draft = policy_version_draft(policy=_policy(slug))
    for name, value in fields.items():
        setattr(draft, name, value)
    draft.save()
    return draft


def test_an_amendment_from_a_date_ends_the_current_version_the_day_before(
    catalogue: None, publisher: User
) -> None:
    before = _policy(SLUG).current_version
    assert before is not None and before.valid_to is None

    amended = policy_publish(
        version=_draft(SLUG, valid_from=date(2027, 1, 1), cap=Decimal("10000")), by=publisher
    )

    before.refresh_from_db()
    assert before.status == VersionStatus.PUBLISHED and before.valid_to == date(2026, 12, 31)
    assert _number_on(SLUG, date(2026, 12, 31)) == before.number
    assert _number_on(SLUG, date(2027, 1, 1)) == amended.number
    assert _policy(SLUG).current_version == amended


def test_a_correction_with_the_same_start_replaces_the_version(
    catalogue: None, publisher: User
) -> None:
    before = _policy(SLUG).current_version
    assert before is not None

    corrected = policy_publish(version=_draft(SLUG, cap=Decimal("123")), by=publisher)

    before.refresh_from_db()
    published = timeline(_policy(SLUG).versions.all())
    assert before.status == VersionStatus.SUPERSEDED
    assert published == [corrected]


def test_a_draft_that_would_overlap_a_later_version_is_refused_until_it_ends_before(
    catalogue: None, publisher: User
) -> None:
    policy_publish(version=_draft(SLUG, valid_from=date(2027, 1, 1)), by=publisher)
    overlapping = _draft(SLUG, valid_from=date(2026, 6, 1), valid_to=None)

    with pytest.raises(VersionOverlap) as refused:
        policy_publish(version=overlapping, by=publisher)
    overlapping.valid_to = date(2026, 12, 31)
    overlapping.save()
    policy_publish(version=overlapping, by=publisher)

    assert "end this version before it starts" in refused.value.message.en
    periods = [(v.valid_from, v.valid_to) for v in timeline(_policy(SLUG).versions.all())]
    assert periods[-2:] == [(date(2026, 6, 1), date(2026, 12, 31)), (date(2027, 1, 1), None)]


def test_a_future_dated_publish_changes_nothing_before_its_day(
    catalogue: None, publisher: User, settings: Any
) -> None:
    client = _client()
    body = {"as_of": "2026-06-01", "enterprise": {"registered_district": "nanshan"}}
    before = _line(client.post("/api/v1/match/", body, format="json").json(), SLUG)

    futian = {"all": [{"fact": "registered_district", "op": "eq", "value": "futian"}]}
    policy_publish(version=_draft(SLUG, valid_from=date(2030, 1, 1), rule=futian), by=publisher)
    now = _line(client.post("/api/v1/match/", body, format="json").json(), SLUG)
    later = _line(
        client.post("/api/v1/match/", {**body, "as_of": "2030-01-01"}, format="json").json(), SLUG
    )

    assert now == before and now["status"] != "ineligible"
    assert later["status"] == "ineligible"


def _client() -> APIClient:
    _api_key, key = PartnerAPIKey.objects.create_key(name="t", partner=PartnerFactory())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}", HTTP_ACCEPT_LANGUAGE="en")
    return client


def _line(report: dict[str, Any], slug: str, ref: str | None = None) -> dict[str, Any]:
    return next(r for r in report["results"] if r["policy"] == slug and r["subject"]["ref"] == ref)


# A Nanshan robotics startup and a master's founder who is 43 in 2025: only the age limit,
# 40 until 2025-11-17 and 45 from 2025-11-18 (policies.md, Corrections of 2026-12-01), decides.
STARTUP = {
    "registered_district": "nanshan",
    "industry": "robotics",
    "registered_on": "2024-09-01",
    "has_bad_credit": False,
}


@pytest.mark.parametrize("person", [{"age": 43}, {"born_on": "1982-03-01"}])
@pytest.mark.parametrize(
    ("as_of", "status"), [("2025-06-01", "ineligible"), ("2025-12-01", "eligible")]
)
def test_a_person_aged_43_qualifies_for_the_age_measures_only_from_the_upgrade(
    catalogue: None, person: dict[str, Any], as_of: str, status: str
) -> None:
    body = {
        "as_of": as_of,
        "enterprise": STARTUP,
        "people": [{"ref": "p1", "degree": "master", "is_founder": True, **person}],
    }

    report = _client().post("/api/v1/match/", body, format="json").json()

    line = _line(report, AGE, "p1")
    assert line["status"] == status
    age = next(r for r in line["reasons"] if r["fact"] == "age")
    assert age["outcome"] == ("false" if status == "ineligible" else "true")


def test_the_command_answers_by_date_too(catalogue: None, tmp_path: Path) -> None:
    profile = tmp_path / "founder.json"
    founder = {"ref": "p1", "degree": "master", "is_founder": True, "born_on": "1982-03-01"}
    body = {"enterprise": STARTUP, "people": [founder]}
    profile.write_text(json.dumps(body))
    answers = {}
    for as_of in ("2025-06-01", "2025-12-01"):
        out = io.StringIO()
        call_command("match", str(profile), "--json", "--as-of", as_of, stdout=out)
        answers[as_of] = _line(json.loads(out.getvalue()), AGE, "p1")["status"]

    assert answers == {"2025-06-01": "ineligible", "2025-12-01": "eligible"}
