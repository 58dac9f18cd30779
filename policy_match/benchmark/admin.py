"""The staff admin's pages at scale (design §15): list pages and the dashboard rendered as a
superuser gets them (RequestFactory, no network), p95 in milliseconds.

Each page is rendered `runs` times after one warm-up; `admin_p95_ms` is the p95 over every
sample of every page, so one slow page shows.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from time import perf_counter
from typing import Any

from django.contrib import admin
from django.contrib.auth.models import User
from django.test import RequestFactory

from enterprises.models import Enterprise
from policy_match.models import Match, MatchChange, TakeUp

PAGES: dict[str, tuple[Any, str]] = {
    "enterprise_list": (Enterprise, "/admin/enterprises/enterprise/"),
    "match_list": (Match, "/admin/policy_match/match/"),
    "match_list_filtered": (Match, "/admin/policy_match/match/?status__exact=eligible"),
    "change_list": (MatchChange, "/admin/policy_match/matchchange/"),
    "takeup_list": (TakeUp, "/admin/policy_match/takeup/"),
    "dashboard": (Match, "/admin/policy_match/match/dashboard/"),
}


def _p95(samples: list[float]) -> float:
    if len(samples) < 2:
        return samples[0] if samples else 0.0
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


def _renderer(model: Any, url: str, user: User) -> Callable[[], Any]:
    model_admin = admin.site._registry[model]
    request = RequestFactory().get(url)
    request.user = user
    if url.endswith("/dashboard/"):
        return lambda: model_admin.dashboard_view(request).render()  # type: ignore[attr-defined]
    return lambda: model_admin.changelist_view(request).render()  # type: ignore[attr-defined]


def admin_pages_ms(*, runs: int = 20) -> dict[str, float]:
    """p95 ms per page and over all of them (`admin_p95_ms`)."""
    user, _created = User.objects.get_or_create(
        username="benchmark-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    figures: dict[str, float] = {}
    every: list[float] = []
    for name, (model, url) in PAGES.items():
        render = _renderer(model, url, user)
        render()  # warm-up: templates compiled, caches filled
        samples = []
        for _ in range(runs):
            started = perf_counter()
            render()
            samples.append((perf_counter() - started) * 1000)
        figures[f"{name}_p95_ms"] = round(_p95(samples), 1)
        every += samples
    figures["admin_p95_ms"] = round(_p95(every), 1)
    return figures
