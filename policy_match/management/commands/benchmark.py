import json
import os
import resource
import time
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from enterprises.models import Person
from policy_match.benchmark import measures
from policy_match.benchmark.admin import admin_pages_ms
from policy_match.benchmark.api import api_figures
from policy_match.benchmark.scratch import scratch_database
from policy_match.benchmark.workers import rematch_celery
from policy_match.dashboard_stats import dashboard_stats_refresh
from policy_match.synthetic import synthetic_enterprises

AS_OF = date(2026, 11, 23)
# figure: (floor measured on this kind of machine, goal) — design.md §10
TABLE = [
    ("match_profile_ms", "~0.05 ms (40 rules, flat trace)", "p50 ≤ 1 ms"),
    ("advised_render_ms", "(the report's JSON with its advice)", ""),
    ("api_match_rps", "trivial view ~3,400/s; 1 query ~1,600/s", "≥ 800 req/s"),
    ("api_match_p50_ms", "", ""),
    ("api_match_p99_ms", "", "≤ 30 ms"),
    ("api_floor_rps", "(measured in this run)", ""),
    ("api_match_vs_floor", "", ""),
    ("api_healthz_rps", "Django's /healthz (measured in this run)", ""),
    ("api_hello_rps", "bare WSGI app, same gunicorn (this run)", ""),
    ("api_match_vs_healthz", "", "≥ 0.6"),
    ("api_match_vs_hello", "", "≥ 0.15"),
    ("api_batch_profiles_per_s", "POST /match/batch/, 50 profiles each", ""),
    ("api_batch_vs_match", "", "≥ 3"),
    ("load_generator", "wrk, or python (shares the cores)", ""),
    ("rematch_seconds", "publish → last chunk committed", "≤ 1.5 s at 100k"),
    ("rematch_followups_seconds", "then notices/webhooks outbox + take-up", ""),
    ("rematch_person_seconds", "", ""),
    ("rematch_floor_seconds", "(measured in this run)", ""),
    ("rematch_vs_floor", "", "≤ 3"),
    ("rematch_some_seconds", "age limit 3 → 4 years: some rows change", ""),
    ("rematch_some_changed_share", "(share of the rows that changed)", "~0.05"),
    ("rematch_some_vs_floor", "", "≤ 3"),
    ("rematch_some_followups_seconds", "", ""),
    ("rematch_all_seconds", "the rule negated: every decided row flips", ""),
    ("rematch_all_followups_seconds", "", ""),
    ("rematch_all_changed_share", "", ""),
    ("naive_rematch_seconds", "(5,000 timed, scaled to N)", ""),
    ("rematch_speedup", "", "≥ 50×"),
    ("rematch_celery_seconds", "~2.5 ms worker time per task", "≤ 2 s"),
    ("preview_seconds", "one SQL WHERE over 100k: 7–20 ms", "≤ 0.5 s"),
    ("preview_floor_seconds", "the draft's rule as one SQL WHERE over the same rows", ""),
    ("preview_vs_floor", "", "≤ 20"),
    ("daily_rematch_seconds", "(every measure, what crosses that day)", ""),
    ("takeup_refresh_seconds", "(aggregates of every published measure)", ""),
    ("takeup_page_seconds", "(the staff page: one row per measure)", "≤ 0.5 s"),
    ("admin_p95_ms", "lists, dashboard, take-up (RequestFactory)", "< 300 ms"),
    ("admin_pages_p95_ms", "(each page)", ""),
    ("admin_after_republish_p95_ms", "the same after the every-row re-publish", "< 300 ms"),
    ("peak_rss_mb", "", "≤ 300 MB"),
    ("worker_rss_mb", "gunicorn's workers, peak", "≤ 300 MB"),
    ("celery_worker_rss_mb", "Celery's worker and its pool, peak", "≤ 300 MB"),
]


# What the re-match's figures depend on at scale (docs/scaling.md): a run names its own.
_SETTINGS = ("server_version", "shared_buffers", "max_wal_size", "work_mem", "checkpoint_timeout")


def _database_settings() -> dict[str, str]:
    if connection.vendor != "postgresql":
        return {"vendor": connection.vendor}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, current_setting(name) FROM unnest(%s::text[]) name", [list(_SETTINGS)]
        )
        return {"vendor": "postgresql", **dict(cursor.fetchall())}


def _settle_database(limit: float = 180.0) -> float:
    """Before the API's load: the re-publishes just rewrote about a million rows, and the
    autovacuum and checkpoint they set off would otherwise share the cores with the first
    endpoint measured (/match/) and not with the later ones. Returns the seconds waited."""
    if connection.vendor != "postgresql":
        return 0.0
    start = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
        while time.monotonic() - start < limit:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'"
            )
            if cursor.fetchone()[0] == 0:
                break
            time.sleep(1)
    return time.monotonic() - start


class Command(BaseCommand):
    help = "Measure matching, the API, re-matching and previews on a scratch database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enterprises", type=int, default=100_000)
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--api-seconds", type=int, default=10)
        # To iterate on one part: the others' figures are left out of the output.
        parser.add_argument("--only", choices=["api"], default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        n = options["enterprises"]
        with scratch_database() as database_url:
            call_command("load_catalogue", "seeds/", stdout=open(os.devnull, "w"))  # noqa: SIM115
            self.stderr.write(f"generating {n} synthetic enterprises on {connection.vendor} …")
            synthetic_enterprises(count=n)
            if options["only"] == "api":
                result = self._base(n)
                self._measure_api(result, database_url, options["api_seconds"])
            else:
                result = self._measure(n, database_url, options["api_seconds"])
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            self._table(result)

    def _base(self, n: int) -> dict[str, Any]:
        return {"enterprises": n, "cpu_count": os.cpu_count(), "database": _database_settings()}

    def _measure(self, n: int, database_url: str, api_seconds: int) -> dict[str, Any]:
        figures = self._base(n)
        step = self.stderr.write
        step("match_profile …")
        figures["match_profile_ms"] = measures.match_profile_ms(as_of=AS_OF)
        figures["advised_render_ms"] = measures.advised_render_ms(as_of=AS_OF)
        step("re-match (enterprise-level, person-level) …")
        enterprise = measures.rematch_seconds(measures.ENTERPRISE_POLICY)
        figures["rematch_seconds"] = enterprise["seconds"]
        figures["rematch_followups_seconds"] = enterprise["followups_seconds"]
        figures["rematch_person_seconds"] = measures.rematch_seconds(measures.PERSON_POLICY)[
            "seconds"
        ]
        figures["rematch_floor_seconds"] = round(measures.rematch_floor_seconds("enterprise"), 3)
        figures["rematch_vs_floor"] = round(
            figures["rematch_seconds"] / figures["rematch_floor_seconds"], 2
        )
        step("naive loop on 5,000 …")
        naive = measures.naive_rematch_seconds(
            measures.ENTERPRISE_POLICY, sample=min(5000, n), scale_to=n, as_of=AS_OF
        )
        figures["naive_rematch_seconds"] = round(naive, 2)
        figures["rematch_speedup"] = round(naive / figures["rematch_seconds"], 1)
        figures["rematch_celery_seconds"] = figures["celery_worker_rss_mb"] = None
        if settings.CELERY_BROKER_URL:
            step("re-match through a real worker …")
            seconds, rss = rematch_celery(measures.ENTERPRISE_POLICY, database_url)
            figures["rematch_celery_seconds"] = round(seconds, 3)
            figures["celery_worker_rss_mb"] = round(rss, 1)
        step("preview …")
        preview = measures.preview_seconds(as_of=AS_OF)
        figures["preview_seconds"] = round(preview["seconds"], 3)
        figures["preview_floor_seconds"] = round(preview["floor_seconds"], 3)
        figures["preview_vs_floor"] = round(preview["seconds"] / preview["floor_seconds"], 1)
        step("daily re-match …")
        figures["daily_rematch_seconds"] = round(measures.daily_rematch_seconds(as_of=AS_OF), 3)
        step("take-up …")
        takeup = measures.takeup_figures()
        figures["takeup_refresh_seconds"] = takeup["refresh_seconds"]
        figures["takeup_page_seconds"] = takeup["page_seconds"]
        step("admin pages …")
        dashboard_stats_refresh()  # as the take-up task does: the page reads its figures
        pages = admin_pages_ms()
        figures["admin_p95_ms"] = pages["admin_p95_ms"]
        figures["admin_pages_p95_ms"] = {k: v for k, v in pages.items() if k != "admin_p95_ms"}
        step("re-publishes that change rows …")  # last: they rewrite the measure's rule
        changed = measures.rematch_changed_seconds(measures.ENTERPRISE_POLICY)
        figures["rematch_some_seconds"] = changed["some_seconds"]
        figures["rematch_some_changed_share"] = changed["some_changed_share"]
        figures["rematch_some_followups_seconds"] = changed["some_followups_seconds"]
        figures["rematch_all_seconds"] = changed["all_seconds"]
        figures["rematch_all_followups_seconds"] = changed["all_followups_seconds"]
        figures["rematch_all_changed_share"] = changed["all_changed_share"]
        figures["rematch_some_vs_floor"] = round(
            changed["some_seconds"] / figures["rematch_floor_seconds"], 2
        )
        # Again once a re-publish has written an event for most rows (a chunk's with one time)
        # and left as many dead rows: what staff open after a large change.
        figures["admin_after_republish_p95_ms"] = admin_pages_ms(runs=10)["admin_p95_ms"]
        self._measure_api(figures, database_url, api_seconds)
        return figures

    def _measure_api(self, figures: dict[str, Any], database_url: str, api_seconds: int) -> None:
        settled = _settle_database()
        self.stderr.write(
            f"API under gunicorn, {api_seconds} s per endpoint "
            f"(the database settled in {settled:.0f} s) …"
        )
        api = api_figures(database_url, seconds=api_seconds)

        def ratio(a: float, b: float) -> float | None:
            return round(a / b, 2) if b else None

        figures.update(
            api_match_rps=round(api.match.rps, 1),
            api_match_p50_ms=round(api.match.p50_ms, 2),
            api_match_p99_ms=round(api.match.p99_ms, 2),
            api_floor_rps=round(api.floor.rps, 1),
            api_match_vs_floor=ratio(api.match.rps, api.floor.rps),
            api_healthz_rps=round(api.healthz.rps, 1),
            api_hello_rps=round(api.hello.rps, 1),
            api_match_vs_healthz=ratio(api.match.rps, api.healthz.rps),
            api_match_vs_hello=ratio(api.match.rps, api.hello.rps),
            api_batch_profiles_per_s=round(api.batch_profiles_per_s, 1),
            api_batch_vs_match=ratio(api.batch_profiles_per_s, api.match.rps),
            load_generator=api.load_generator,
            worker_rss_mb=round(api.worker_rss_mb, 1),
        )
        # Beside the figures, not among them: --json prints exactly the keys.
        self.api_errors = api.match.errors + api.floor.errors + api.healthz.errors
        self.people = Person.objects.count()
        figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

    def _table(self, figures: dict[str, Any]) -> None:
        self.stdout.write(
            f"benchmark: {figures['enterprises']:,} enterprises "
            f"({self.people:,} people), "
            f"{figures['cpu_count']} CPUs, "
            + ", ".join(f"{k} {v}" for k, v in figures["database"].items())
        )
        self.stdout.write(f"{'figure':<32}{'value':>16}  {'floor':<40}goal")
        for key, floor, goal in TABLE:
            value = figures.get(key)
            shown = (
                "—" if value is None else json.dumps(value) if isinstance(value, dict) else value
            )
            self.stdout.write(f"{key:<32}{shown!s:>16}  {floor:<40}{goal}")
        if self.api_errors:
            self.stdout.write(self.style.WARNING(f"{self.api_errors} failed API requests"))
