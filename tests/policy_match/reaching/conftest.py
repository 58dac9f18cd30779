"""Fixtures of the #16 tests: the real catalogue and stored enterprises of known profiles."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from enterprises.models import Enterprise
from enterprises.services import enterprise_save_profile
from policy_match.profile import Profile
from policy_match.services import match_enterprise

ROBOTICS = {"registered_district": "nanshan", "industry": "robotics", "has_bad_credit": False}
AS_OF = date(2026, 12, 1)


@pytest.fixture
def catalogue(seeds_dir: Path) -> None:
    call_command("load_catalogue", str(seeds_dir), stdout=io.StringIO())
    call_command("create_staff_groups", stdout=io.StringIO())


def store(
    name: str,
    enterprise: dict[str, Any],
    people: list[dict[str, Any]] | None = None,
    **kwargs: Any,
) -> Enterprise:
    profile = Profile.from_data(
        {"enterprise": enterprise, "people": people or []}, for_storage=True
    )
    saved = enterprise_save_profile(profile=profile, name=name, **kwargs)
    match_enterprise(enterprise=saved, as_of=AS_OF)
    return saved
