"""The match side of the enterprise admin: filters by measure, the matches table, re-match now.

Kept here, beside the matches, so that enterprises/admin.py only wires them in.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from enterprises.selectors import enterprise_profile
from policies.models import Policy, PolicyStatus

from ..models import Match, MatchStatus
from ..records import record_report
from ..rules import FACTS, normalize_language
from ..selectors import match_changes, match_list_for_enterprise
from ..services import match_profile
from ..takeup import enterprise_opportunities
from ..windows import window_text

_ORDER = {MatchStatus.ELIGIBLE: 0, MatchStatus.UNDETERMINED: 1, MatchStatus.INELIGIBLE: 2}


class _ByPolicyFilter(admin.SimpleListFilter):
    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        policies = (
            Policy.objects.filter(status=PolicyStatus.PUBLISHED)
            .select_related("current_version")
            .order_by("category", "slug")
        )
        return [
            (str(p.pk), p.current_version.name if p.current_version else p.slug) for p in policies
        ]

    def _lines(self, status: str) -> QuerySet[Match]:
        policy_id = int(self.value() or 0)
        return Match.objects.filter(enterprise=OuterRef("pk"), policy_id=policy_id, status=status)


class EligibleForPolicyFilter(_ByPolicyFilter):
    title = _("符合政策")
    parameter_name = "eligible_for"

    def queryset(self, request: HttpRequest, queryset: QuerySet[Enterprise]) -> Any:
        if not (self.value() or "").isdigit():
            return queryset
        return queryset.filter(Exists(self._lines(MatchStatus.ELIGIBLE)))


class UndeterminedForPolicyFilter(_ByPolicyFilter):
    """Enterprises that could qualify if they answered more questions (none of their lines is
    eligible yet): the ones staff can help."""

    title = _("待确定政策")
    parameter_name = "undetermined_for"

    def queryset(self, request: HttpRequest, queryset: QuerySet[Enterprise]) -> Any:
        if not (self.value() or "").isdigit():
            return queryset
        return queryset.filter(
            Q(Exists(self._lines(MatchStatus.UNDETERMINED)))
            & ~Q(Exists(self._lines(MatchStatus.ELIGIBLE)))
        )


def matches_table(enterprise: Enterprise) -> SafeString:
    """The stored matches of one enterprise, with reasons in the staff member's language.

    The reasons come from each result's decision record (what decided it when it was stored);
    the profile is matched once more (about a millisecond) only to flag a stored result that
    today's profile would change (a re-match under way)."""
    language = normalize_language(get_language())
    stored = sorted(
        match_list_for_enterprise(enterprise=enterprise),
        key=lambda m: (_ORDER.get(MatchStatus(m.status), 3), m.policy.slug, m.subject_id),
    )
    report = match_profile(
        profile=enterprise_profile(enterprise=enterprise), as_of=timezone.localdate()
    )
    explained = {
        (r["policy"], r["subject"]["ref"] or ""): r for r in report.to_json(language)["results"]
    }
    rows = []
    for match in stored:
        live = explained.get((match.policy.slug, match.subject_ref), {})
        record = record_report(match=match, language=language)
        rows.append(
            {
                "match": match,
                "name": match.version.name or match.policy.slug,
                "reasons": record["reasons"] or live.get("reasons", []),
                "missing": [FACTS[n].label.get(language) for n in match.missing if n in FACTS],
                "stale": bool(live) and live.get("status") != match.status,
            }
        )
    groups = {status: [r for r in rows if r["match"].status == status] for status in _ORDER}
    return render_to_string(
        "admin/enterprises/enterprise/matches.html",
        {
            "rows": rows,
            "eligible": groups[MatchStatus.ELIGIBLE],
            "undetermined": groups[MatchStatus.UNDETERMINED],
            "ineligible": groups[MatchStatus.INELIGIBLE],
            "summary": report.summary(),
        },
    )


def changes_table(enterprise: Enterprise) -> SafeString:
    """The enterprise's latest change events (gained, lost, amount changed), newest first."""
    changes = match_changes(enterprise=enterprise)[:100]
    return render_to_string("admin/enterprises/enterprise/changes.html", {"changes": list(changes)})


def opportunities_table(enterprise: Enterprise) -> SafeString:
    """The enterprise's open opportunities: eligible or undetermined lines nobody applied for
    whose window is not closed, each with its window and a link to record an application;
    then the applications recorded."""
    language = normalize_language(get_language())
    today = timezone.localdate()
    found = enterprise_opportunities(enterprise=enterprise, as_of=today)
    add_url = reverse("admin:policy_match_application_add")
    rows = [
        {
            "match": o.match,
            "name": o.match.version.name or o.match.policy.slug,
            "window": window_text(o.window, language),
            "record_url": f"{add_url}?"
            + urlencode(
                {
                    "enterprise": enterprise.pk,
                    "policy": o.match.policy_id,
                    "subject_ref": o.match.subject_ref,
                }
            ),
        }
        for o in found
    ]
    applications = enterprise.applications.select_related("policy__current_version").order_by(
        "-updated_at"
    )
    return render_to_string(
        "admin/enterprises/enterprise/opportunities.html",
        {"rows": rows, "applications": list(applications)},
    )
