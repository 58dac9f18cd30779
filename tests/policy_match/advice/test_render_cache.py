"""An advised answer built from the caches (one entry a line in render.py, the unlocks and
missing facts behind it, report.py's result lines) is the answer built with every cache empty,
whatever the language and day the cached entries were made for."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import orjson
import pytest
from django.core.management import call_command

from policy_match import report
from policy_match.advice import line_json, render
from policy_match.advice.render import advised_json
from policy_match.profile import Profile
from policy_match.rules import TRUE
from policy_match.services import match_profile

from ..test_report import BASE, VARIANTS, _profile

pytestmark = pytest.mark.django_db

DAYS = (date(2026, 11, 23), date(2027, 6, 30))  # the second: windows and ages move on


def _empty_caches() -> None:
    for store in (render._ADVISED, render._UNLOCKS, render._MISSING, report._LINES,
                  line_json._CHANGES):  # fmt: skip
        store.clear()


@pytest.fixture
def catalogue(seeds_dir: Path) -> None:
    call_command("load_catalogue", str(seeds_dir), stdout=io.StringIO())


def test_an_answer_from_the_caches_is_the_answer_built_anew(catalogue: None) -> None:
    profiles = [Profile.from_data(BASE), *(_profile(*variant) for variant in VARIANTS)]
    cases = [(p, day, lang) for p in profiles for day in DAYS for lang in ("zh-hans", "en")]

    _empty_caches()
    cached = [advised_json(match_profile(profile=p, as_of=d), lang) for p, d, lang in cases]
    assert render._ADVISED  # the answers above were built through the line cache

    fresh = []
    for profile, day, language in cases:
        _empty_caches()
        fresh.append(advised_json(match_profile(profile=profile, as_of=day), language))

    assert [orjson.dumps(a) for a in cached] == [orjson.dumps(b) for b in fresh]
    # The cases differ from each other: a cache keyed too loosely would answer one with another.
    assert len({orjson.dumps(a) for a in cached}) == len(cases)


def test_a_line_beaten_in_its_group_is_not_served_the_entry_of_the_line_alone(
    catalogue: None,
) -> None:
    """The same line reads differently when another measure of its 不重复享受 group wins: the
    winner is part of the line's key."""
    _empty_caches()
    found = match_profile(profile=Profile.from_data(BASE), as_of=DAYS[0])
    line = next(line for line in found.lines if line.outcome == TRUE)
    other = next(x.policy.slug for x in found.lines if x.policy.slug != line.policy.slug)

    alone = render.advised_line(line, found, {}, "en")
    beaten = render.advised_line(line, found, {line.policy.slug: other}, "en")

    assert "Not cumulative" not in alone.json["amount_note"]
    assert "Not cumulative" in beaten.json["amount_note"]
    assert render.advised_line(line, found, {}, "en") is alone  # and each is cached
