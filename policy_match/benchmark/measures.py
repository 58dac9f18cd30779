"""Each benchmark figure, measured on the scratch database (design §10)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from celery.signals import task_postrun, task_prerun
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone

from config.celery_app import app
from enterprises.models import Enterprise, Person
from policies.models import Policy
from policies.services import policy_publish, policy_version_draft
from policies.versions import version_in_force
from policy_match.catalogue import compile_version
from policy_match.jobs import EVENTS_DISPATCH, TAKEUP_REFRESH
from policy_match.models import Match, MatchChange, RematchRun, RematchStatus
from policy_match.preview import preview_policy_change
from policy_match.profile import Profile
from policy_match.rules import Subject, with_derived
from policy_match.rules.to_q import to_q
from policy_match.services import match_profile
from policy_match.synthetic import vacuum

PROFILE = {
    "enterprise": {"registered_district": "nanshan", "registered_on": "2024-03-01",
                   "industry": "robotics", "employee_count": 8, "has_bad_credit": False,
                   "tax_registered_in_nanshan": True, "annual_revenue": "5000000",
                   "rd_expense": "800000"},
    "people": [{"ref": "p1", "degree": "master", "graduated_on": "2025-06-30",
                "hukou_city": "shenzhen", "hukou_district": "nanshan",
                "hukou_transferred_on": "2026-03-15", "born_on": "1999-05-01"},
               {"ref": "p2", "degree": "phd", "is_founder": True, "born_on": "1991-02-01"}],
    "loans": [{"ref": "l1", "product": "ip_pledge_loan", "amount": "3000000.00",
               "rate": "0.035", "guarantee_fee": "30000", "other_fees": "0"},
              {"ref": "l2", "product": "rd_loan", "amount": "1000000", "rate": "0.04"}],
}  # fmt: skip
ENTERPRISE_POLICY = "office-zero-rent-accelerator"
PERSON_POLICY = "talent-living-subsidy-master"


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def match_profile_ms(*, as_of: date, runs: int = 1000) -> dict[str, float]:
    profile = Profile.from_data(PROFILE)
    match_profile(profile=profile, as_of=as_of)  # compile the catalogue once, as a worker does
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        match_profile(profile=profile, as_of=as_of)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"p50": round(statistics.median(times), 3), "p99": round(times[int(runs * 0.99) - 1], 3)}


def advised_render_ms(*, as_of: date, runs: int = 1000) -> dict[str, float]:
    """Rendering one matched profile with its advice (design §12), as /match/ answers it:
    unlocks, within reach, ask next, honest money (the lines' caches warm, as in a worker)."""
    from policy_match.advice import advised_json

    report = match_profile(profile=Profile.from_data(PROFILE), as_of=as_of)
    advised_json(report, "zh-hans")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        advised_json(report, "zh-hans")
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"p50": round(statistics.median(times), 3), "p99": round(times[int(runs * 0.99) - 1], 3)}


@contextmanager
def eager(flag: bool) -> Iterator[None]:
    before = app.conf.task_always_eager
    app.conf.task_always_eager = flag
    try:
        yield
    finally:
        app.conf.task_always_eager = before


def publisher() -> User:
    user, _ = User.objects.get_or_create(username="benchmark", defaults={"is_superuser": True})
    return user


def publish(slug: str, *, tweak: Callable[[Any], None] | None = None) -> RematchRun:
    """Publish a new version of `slug`; the re-match runs on commit (eagerly unless a worker)."""
    policy = Policy.objects.get(slug=slug)
    draft = policy_version_draft(policy=policy)
    if tweak is not None:
        tweak(draft)
        draft.save()
    policy_publish(version=draft, by=publisher())
    return RematchRun.objects.filter(policy=policy).latest("id")


@contextmanager
def followups_timed() -> Iterator[list[tuple[datetime, float]]]:
    """When each follow-up task (outbox pass, take-up refresh) began, and its seconds.

    Eager, the chunks' on-commit kicks of the outbox (one every few seconds while a run goes
    on) run inline between two chunks; a real worker runs them beside the chunks, on another
    process. Timed by Celery's own task signals, which eager runs send as a worker's do."""
    names = {EVENTS_DISPATCH, TAKEUP_REFRESH}
    started: dict[str, tuple[datetime, float]] = {}
    timings: list[tuple[datetime, float]] = []

    def before(task_id: str, task: Any, **_: Any) -> None:
        if task.name in names and not started:  # not again for one it sends itself
            started[task_id] = (timezone.now(), time.perf_counter())

    def after(task_id: str, **_: Any) -> None:
        if task_id in started:
            at, clock = started.pop(task_id)
            timings.append((at, time.perf_counter() - clock))

    task_prerun.connect(before, weak=False)
    task_postrun.connect(after, weak=False)
    try:
        yield timings
    finally:
        task_prerun.disconnect(before)
        task_postrun.disconnect(after)


def timed_publish(slug: str, *, tweak: Callable[[Any], None] | None = None) -> tuple[float, float]:
    """(seconds to the run's last chunk, seconds with what follows it) of one eager publish.

    The re-match ends when its last chunk commits (the run's finished_at, as the real-worker
    figure counts); the outbox passes (notices, webhooks) and the take-up refresh it hands to
    other tasks run inline here, so they are timed apart instead of counted as re-match: after
    the last chunk, and the outbox kicks between chunks (`followups_timed`)."""
    with eager(True), followups_timed() as followups:
        started = timezone.now()
        total = timed(lambda: publish(slug, tweak=tweak))
    run = RematchRun.objects.filter(policy__slug=slug).latest("id")
    assert run.status == RematchStatus.DONE and run.finished_at, "re-match did not finish"
    between = sum(seconds for at, seconds in followups if at < run.finished_at)
    chunks = (run.finished_at - started).total_seconds() - between
    return chunks, total


def rematch_seconds(slug: str) -> dict[str, float]:
    """Publish → every chunk written and committed, in this process; and the follow-up tasks.

    Timed on the second publish: the usual case is a measure edited after its first
    publication, whose results are rewritten in place (the first only inserts), and stored
    some time before, so that autovacuum has been over them (run here: without it the timed
    run, reading the rows for the first time, also set their pages' visibility hints, which
    moved the figure by a third between runs)."""
    with eager(True):
        publish(slug)
    vacuum(Match)
    chunks, total = timed_publish(slug)
    return {"seconds": round(chunks, 3), "followups_seconds": round(total - chunks, 3)}


def _age_limit(years: int) -> Callable[[Any], None]:
    def tweak(draft: Any) -> None:
        for condition in draft.rule["all"]:
            if condition.get("fact") == "enterprise_age_years":
                condition["value"] = years

    return tweak


def rematch_changed_seconds(slug: str) -> dict[str, float]:
    """Re-publishes that change rows: the startup age limit 3 → 4 years (a few percent of the
    rows move) and then the rule turned so that every row's outcome flips; each with the share
    of rows that changed (change events of the run over its rows)."""
    figures: dict[str, float] = {}
    for name, tweak in (
        ("some", _age_limit(4)),
        ("all", lambda draft: draft.__setattr__("rule", {"not": draft.rule})),
    ):
        chunks, total = timed_publish(slug, tweak=tweak)
        run = RematchRun.objects.filter(policy__slug=slug).latest("id")
        rows = Match.objects.filter(policy__slug=slug).count()
        changed = MatchChange.objects.filter(policy__slug=slug, at__gte=run.created_at).count()
        figures[f"{name}_seconds"] = round(chunks, 3)
        figures[f"{name}_followups_seconds"] = round(total - chunks, 3)
        figures[f"{name}_changed_share"] = round(changed / rows, 3) if rows else 0.0
    return figures


def rematch_floor_seconds(rows_from: str) -> float:
    """A plain INSERT … SELECT of as many rows as the re-match writes, into a scratch table."""
    source = {"enterprise": Enterprise, "person": Person}[rows_from]._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS benchmark_floor")
        cursor.execute(
            "CREATE TABLE benchmark_floor (subject_id bigint, policy_id bigint, "
            "status varchar(20), amount numeric(16, 2))"
        )
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO benchmark_floor SELECT id, 1, 'eligible', 1000 FROM {source}")
    return time.perf_counter() - start


def naive_rematch_seconds(slug: str, *, sample: int, scale_to: int, as_of: date) -> float:
    """What a plain Django loop would do: instances, evaluate, update_or_create; scaled to N."""
    policy = Policy.objects.get(slug=slug)
    version = version_in_force(policy_id=policy.pk, as_of=as_of)
    assert version is not None
    compiled = compile_version(version)
    assert compiled.subject is Subject.ENTERPRISE
    names = Profile.enterprise_fields()
    start = time.perf_counter()
    with transaction.atomic():
        for enterprise in Enterprise.objects.order_by("id")[:sample]:
            ctx = {name: getattr(enterprise, name) for name in names}
            outcome, _ = compiled.rule.run(with_derived(Subject.ENTERPRISE, ctx, as_of))
            status = {2: "eligible", 1: "undetermined", 0: "ineligible"}[outcome]
            Match.objects.update_or_create(
                enterprise=enterprise, policy=policy, subject_id=0,
                defaults={"version_id": compiled.version_id, "subject_type": "enterprise",
                          "status": status, "amount": compiled.cap, "evaluated_on": as_of,
                          "evaluated_at": timezone.now()},
            )  # fmt: skip
    return (time.perf_counter() - start) * scale_to / sample


def preview_seconds(*, as_of: date) -> dict[str, float]:
    """Impact of widening the startup age limit of one enterprise-level measure, over N, and
    its floor: one SQL WHERE (the draft's rule as SQL) over the same rows. The draft is
    discarded after: a later publish of the measure would otherwise start from it."""
    policy = Policy.objects.get(slug=ENTERPRISE_POLICY)
    draft = policy_version_draft(policy=policy)
    rule = draft.rule
    for condition in rule["all"]:
        if condition.get("fact") == "enterprise_age_years":
            condition["value"] = 5
    draft.rule = rule
    draft.cap = Decimal("100000")
    draft.save()
    seconds = timed(lambda: preview_policy_change(draft=draft, as_of=as_of))
    where = to_q(compile_version(draft).rule.rule, as_of=as_of, subject=Subject.ENTERPRISE)
    floor = timed(lambda: Enterprise.objects.filter(where).count())
    draft.delete()
    return {"seconds": seconds, "floor_seconds": floor}


def daily_rematch_seconds(*, as_of: date) -> float:
    """The daily re-match of `as_of` (every measure, only what crosses a threshold that day),
    from planning to every chunk committed, in this process."""
    from policy_match.daily import rematch_daily

    with eager(True):
        return timed(lambda: rematch_daily(as_of=as_of))


def takeup_figures() -> dict[str, float]:
    """The take-up refresh over every published measure, and the staff page that reads it
    (the admin changelist, rendered as a staff member would get it), in seconds."""
    from django.contrib import admin
    from django.test import RequestFactory

    from policy_match.models import TakeUp
    from policy_match.takeup import takeup_refresh

    refresh = timed(lambda: takeup_refresh())
    request = RequestFactory().get("/admin/policy_match/takeup/")
    request.user = publisher()  # a superuser: every row, as staff with the view permission
    model_admin = admin.site._registry[TakeUp]
    page = timed(lambda: model_admin.changelist_view(request).render())  # type: ignore[attr-defined]
    return {"refresh_seconds": round(refresh, 3), "page_seconds": round(page, 3)}
