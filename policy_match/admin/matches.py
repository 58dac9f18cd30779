"""Stored matches (read-only: written only by the match services) and re-match runs."""

from __future__ import annotations

from time import perf_counter
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from policies.benefit_editor import formula_text
from policy_match.rules import FACTS, normalize_language

from ..models import Match, MatchChange, RematchRun
from ..records import record_report
from ..rematch import rematch_progress
from ..selectors import match_changes
from .dashboard import dashboard
from .paginator import ScaledListMixin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Match)
class MatchAdmin(ScaledListMixin, ReadOnlyAdmin):
    list_display = (
        "enterprise",
        "policy",
        "subject_type",
        "subject_ref",
        "status",
        "amount",
        "missing_labels",
        "evaluated_at",
    )
    list_filter = ("status", "subject_type", "policy")
    search_fields = ("enterprise__name", "enterprise__credit_code", "policy__slug")
    # Not the version: only the change page reads it (one query there). A version's row is
    # wide (its rule, formula and sources), and joined to the list PostgreSQL read every row a
    # filter matched before sorting out a page: a list filtered to "eligible" over 220,000
    # results took 340 ms, 2 ms without the join.
    list_select_related = ("enterprise", "policy")
    exclude = ("trace", "missing", "inputs", "amount")

    readonly_fields = ("amount_yuan", "missing_labels", "decision_record")

    @admin.display(description=gettext_lazy("金额（元）"), ordering="amount")
    def amount_yuan(self, obj: Match) -> str:
        return "—" if obj.amount is None else f"{obj.amount:,.2f}"

    @admin.display(description=gettext_lazy("判断依据与变化记录"))
    def decision_record(self, obj: Match) -> SafeString:
        """What decided this result (from its stored record) and how it changed."""
        language = normalize_language(get_language())
        record = record_report(match=obj, language=language)
        record["status_label"] = obj.get_status_display()
        if obj.version.formula is not None:
            record["formula_text"] = formula_text(obj.version.formula, language, markers=False)
        record["version_id"] = obj.version_id
        changes = match_changes(enterprise=obj.enterprise, policy_id=obj.policy_id).filter(
            subject_id=obj.subject_id
        )[:50]
        return render_to_string(
            "admin/policy_match/match/record.html", {"records": [record], "changes": changes}
        )

    @admin.display(description=gettext_lazy("缺少的信息"))
    def missing_labels(self, obj: Match) -> str:
        language = normalize_language(get_language())
        names = [FACTS[n].label.get(language) if n in FACTS else n for n in obj.missing]
        return "、".join(names) if language == "zh-hans" else ", ".join(names)

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="policy_match_match_dashboard",
            )
        ]
        return own + super().get_urls()

    def dashboard_view(self, request: HttpRequest) -> HttpResponse:
        """Eligible / undetermined enterprises and money per measure: under-used ones first."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        started = perf_counter()
        board = dashboard()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("各项政策匹配概览"),
            "board": board,
            "elapsed_ms": (perf_counter() - started) * 1000,
        }
        return TemplateResponse(request, "admin/policy_match/dashboard.html", context)


@admin.register(MatchChange)
class MatchChangeAdmin(ScaledListMixin, ReadOnlyAdmin):
    list_display = (
        "at",
        "enterprise",
        "policy",
        "subject_ref",
        "from_status",
        "to_status",
        "from_amount",
        "to_amount",
        "cause",
    )
    # No date_hierarchy: its year links are a DISTINCT over every event (a scan at scale).
    list_filter = ("cause", "to_status", "policy", "at")
    search_fields = ("enterprise__name", "enterprise__credit_code", "policy__slug")
    list_select_related = ("enterprise", "policy")


@admin.register(RematchRun)
class RematchRunAdmin(ScaledListMixin, ReadOnlyAdmin):
    list_display = (
        "policy",
        "version",
        "cause",
        "status",
        "progress",
        "as_of",
        "created_at",
        "finished_at",
    )
    list_filter = ("status", "cause", "policy")
    list_select_related = ("policy", "version")
    fields = (
        "policy",
        "version",
        "cause",
        "crossings_only",
        "status",
        "progress",
        "as_of",
        "created_at",
        "finished_at",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[RematchRun]:
        return (
            super()
            .get_queryset(request)
            .annotate(chunks_done=Count("chunks", filter=Q(chunks__done_at__isnull=False)))
        )

    @admin.display(description=gettext_lazy("进度（已完成分块 / 总数）"))
    def progress(self, obj: RematchRun) -> str:
        done = getattr(obj, "chunks_done", None)
        if done is None:
            done, _total = rematch_progress(run=obj)
        return f"{done} / {obj.chunks_total}"
