"""The results page: money at stake, then eligible, undetermined and ineligible measures."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from policy_match.services import match_profile

from .draft import draft_check, draft_get
from .present import present, stored_report
from .profile import language_of, owned_enterprise, step_url


@require_GET
def results(request: HttpRequest) -> HttpResponse:
    """A signed-in startup sees its stored matches; anyone else, the session's profile."""
    language = language_of(request)
    enterprise = owned_enterprise(request.user)
    stored = stored_report(enterprise=enterprise) if enterprise else None
    draft = draft_get(request)
    stale = False
    if stored is not None:
        report, profile, stale = stored.report, stored.profile, stored.stale
        if stale:  # a re-match is under way (real workers): show the saved profile matched now
            report = match_profile(profile=profile, as_of=timezone.localdate())
    else:
        if draft is None or not draft.get("submitted"):
            return redirect(step_url("enterprise"))
        checked = draft_check(draft, language)
        if checked.profile is None:
            return redirect(step_url("review"))
        profile = checked.profile
        report = match_profile(profile=profile, as_of=timezone.localdate())
    name = enterprise.name if enterprise else (draft or {}).get("name", "")
    context = {
        "results": present(report, profile, language),
        "enterprise_name": name,
        "stored": stored is not None,
        "stale": stale,
    }
    return render(request, "pages/results.html", context)
