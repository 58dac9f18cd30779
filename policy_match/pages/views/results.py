"""The results page (#15): what to claim, what is within reach, what to answer next.

A signed-in startup sees its stored matches (with when they were last matched, what changed
since its last visit, and its applications); anyone else sees the session's answers matched
now. Both go through `sections.present`, i.e. the same advised JSON as the partner API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from enterprises.models import Enterprise
from enterprises.services import enterprise_mark_seen
from policy_match.applications import ApplicationError, application_line, application_save
from policy_match.profile import Profile
from policy_match.report import MatchReport
from policy_match.services import match_profile

from ..forms import AppliedForm
from .draft import Draft, draft_check, draft_get
from .present import stored_report
from .profile import language_of, owned_enterprise, step_url
from .sections import present
from .visits import applications_of, changes_since


@dataclass
class Current:
    """The profile the results are of, and its report."""

    report: MatchReport
    profile: Profile
    name: str
    enterprise: Enterprise | None = None
    stored: bool = False
    stale: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def current_results(request: HttpRequest) -> Current | None:
    """The signed-in startup's stored results, else the session's submitted answers (None:
    nothing to show yet)."""
    enterprise = owned_enterprise(request.user)
    stored = stored_report(enterprise=enterprise) if enterprise else None
    if enterprise is not None and stored is not None:
        report = stored.report
        if stored.stale:  # a re-match is under way (real workers): the saved profile, now
            report = match_profile(profile=stored.profile, as_of=timezone.localdate())
        return Current(report, stored.profile, enterprise.name, enterprise, True, stored.stale)
    draft = draft_get(request)
    if draft is None or not draft.get("submitted"):
        return None
    return draft_results(draft, language_of(request))


def draft_results(draft: Draft, language: str) -> Current | None:
    checked = draft_check(draft, language)
    if checked.profile is None:
        return None
    report = match_profile(profile=checked.profile, as_of=timezone.localdate())
    return Current(report, checked.profile, str(draft.get("name") or ""))


def render_results(
    request: HttpRequest, current: Current, *, status: int = 200, **extra: Any
) -> HttpResponse:
    language = language_of(request)
    enterprise = current.enterprise
    context: dict[str, Any] = {
        "results": present(current.report, current.profile, language),
        "enterprise_name": current.name,
        "stored": current.stored,
        "stale": current.stale,
        "nav": "results",
        "share_token": request.session.get("share_token", ""),
        **extra,
    }
    if enterprise is not None and current.stored:
        context["matched_at"] = enterprise.matched_at
        context["changes"] = changes_since(enterprise=enterprise, language=language)
        context["applications"] = applications_of(enterprise=enterprise)
        context["can_record"] = True
    response = render(request, "pages/results.html", context, status=status)
    if enterprise is not None and current.stored and status == 200:
        enterprise_mark_seen(enterprise=enterprise, at=timezone.now())
    return response


@require_GET
def results(request: HttpRequest) -> HttpResponse:
    current = current_results(request)
    if current is None:
        draft = draft_get(request)
        submitted = draft is not None and draft.get("submitted")
        return redirect(step_url("review" if submitted else "enterprise"))
    return render_results(request, current)


@require_POST
def results_applied(request: HttpRequest) -> HttpResponse:
    """Record "applied on <date>" for one line of a signed-in owner's stored enterprise."""
    enterprise = owned_enterprise(request.user)
    current = current_results(request) if enterprise is not None else None
    if enterprise is None or current is None or not current.stored:
        return redirect("pages:results")
    form = AppliedForm(request.POST)
    key = f"{request.POST.get('policy', '')}-{request.POST.get('ref', '')}".rstrip("-")
    errors: dict[str, str] = {}
    if form.is_valid():
        try:
            line = application_line(
                enterprise=enterprise,
                policy_slug=form.cleaned_data["policy"],
                subject_ref=form.cleaned_data["ref"] or None,
            )
            application_save(
                enterprise=enterprise,
                line=line,
                status="applied",
                values={"applied_on": form.cleaned_data["applied_on"]},
                by=request.user,
                today=timezone.localdate(),
            )
        except ApplicationError as exc:
            errors = {name: str(message) for name, message in exc.errors.items()}
    else:
        errors = {name: " ".join(map(str, messages)) for name, messages in form.errors.items()}
    if errors:
        # Shown next to the date field of that card (a field not on the form: above it).
        return render_results(
            request,
            current,
            status=400,
            applied_errors={
                "key": key,
                "errors": errors,
                "value": request.POST.get("applied_on", ""),
            },
        )
    return redirect(f"{reverse('pages:results')}#card-{key}")
