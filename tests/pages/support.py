"""Posting the profile form as a browser would: one step, its answers, the button pressed."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.http import HttpResponse
from django.test import Client
from django.utils import timezone


def post_step(
    client: Client,
    step: str,
    answers: dict[str, Any] | None = None,
    *,
    go: str = "next",
    rows: int | None = None,
    language: str = "",
) -> HttpResponse:
    """`answers` are keyed by fact for the enterprise, by `<row>-<fact>` for people and loans."""
    data: dict[str, Any] = {"go": go}
    for name, value in (answers or {}).items():
        data[f"{step}-{name}"] = value
    if rows is not None:
        data[f"{step}-count"] = rows
    prefix = f"/{language}" if language else ""
    return client.post(f"{prefix}/profile/{step}/", data)


def _years_ago(years: int) -> str:
    """A birth date `years` and a half ago: that age today."""
    today = timezone.localdate()
    return (
        date(today.year - years, today.month, min(today.day, 28)) - timedelta(days=182)
    ).isoformat()


def robotics_startup(client: Client, *, registered_on: str, transferred_on: str) -> None:
    """The profile of docs/examples/robotics-startup.yaml, posted step by step."""
    post_step(
        client,
        "enterprise",
        {
            "enterprise_name": "南山灵巧机器人有限公司",
            "registered_district": "nanshan",
            "registered_on": registered_on,
            "industry": "robotics",
            "employee_count": "8",
            "has_bad_credit": "false",
            "tax_registered_in_nanshan": "true",
            **{name: "false" for name in FALSE_BY_DEFAULT},
        },
    )
    post_step(
        client,
        "people",
        {
            "0-degree": "master",
            "0-graduated_on": "2025-06-30",
            "0-hukou_city": "shenzhen",
            "0-hukou_district": "nanshan",
            "0-hukou_transferred_on": transferred_on,
            "0-born_on": _years_ago(27),
            "0-is_founder": "true",
        },
        rows=1,
    )
    post_step(
        client,
        "loans",
        {
            "0-product": "ip_pledge_loan",
            "0-amount": "3000000",
            "0-rate": "0.035",
            "0-guarantee_fee": "30000",
            "0-other_fees": "0",
        },
        rows=1,
    )


# The example's founder says "no" to these (docs/examples/robotics-startup.yaml); the form
# itself pre-answers nothing (#15).
FALSE_BY_DEFAULT = (
    "participates_open_source",
    "is_scenario_publisher",
    "is_scenario_solver",
    "is_space_operator",
    "is_vc_institution",
)
