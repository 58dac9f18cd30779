"""Share and keep (#15 item 5): a link that reopens the same answers without an account.

The link names only a random token (policy_match.sharing keeps the answers and lets the link
expire); opening it shows the results of those answers without touching the visitor's own
session, and "open these answers" copies them into the form only when asked to.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from policy_match.sharing import TooLarge, shared_profile_create, shared_profile_get

from .draft import draft_for, draft_save
from .profile import language_of, owned_enterprise, step_url
from .results import draft_results, render_results

# Only the answers travel: never who filled them in, nor the account's enterprise id.
SHARED_KEYS = ("name", "enterprise", "people", "loans")


@require_POST
def results_share(request: HttpRequest) -> HttpResponse:
    draft = draft_for(request, owned_enterprise(request.user))
    answers = {key: draft.get(key) for key in SHARED_KEYS}
    try:
        shared = shared_profile_create(draft={**answers, "submitted": True})
    except TooLarge:
        return redirect(reverse("pages:results") + "#share")
    request.session["share_token"] = shared.token
    return redirect(reverse("pages:results") + "#share")


@require_GET
def shared_results(request: HttpRequest, token: str) -> HttpResponse:
    shared = shared_profile_get(token=token)
    if shared is None:
        raise Http404
    current = draft_results(shared.draft, language_of(request))
    if current is None:
        raise Http404
    return render_results(request, current, shared=shared)


@require_POST
def shared_open(request: HttpRequest, token: str) -> HttpResponse:
    """Copy the shared answers into this visitor's form (their own answers are replaced)."""
    shared = shared_profile_get(token=token)
    if shared is None:
        raise Http404
    draft_save(request, {**shared.draft, "visited": ["enterprise", "people", "loans"]})
    return redirect(step_url("review"))
