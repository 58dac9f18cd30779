"""Try a change (#15 item 4): change one answer and see what moves, saving nothing.

The answer is read by the same registry-generated field as the profile form (so "3.5%" and
"2024/3/1" work here too) and checked by the profile's own rules; advice.compare matches the
profile as it is and with the change, as POST /api/v1/match/compare/ does.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from policy_match.advice.compare import ProfileChange, compare, comparison_json
from policy_match.profile import Profile, ProfileError
from policy_match.rules import FACTS, Kind, Subject, format_value

from ..forms import fact_field
from .cards import field_url, row_index, subject_label
from .profile import language_of, step_url
from .results import current_results
from .sections import try_choices


def _target(request: HttpRequest, profile: Profile) -> tuple[str, str | None] | None:
    """The fact and row to vary, from ?fact=name&ref=p1 (or ?fact=name:p1 from the picker)."""
    name, _sep, ref = str(request.GET.get("fact", "")).partition(":")
    ref = ref or str(request.GET.get("ref", "")) or ""
    fact = FACTS.get(name)
    if fact is None or fact.derived:
        return None
    if fact.subject is Subject.ENTERPRISE:
        return name, None
    rows = profile.people if fact.subject is Subject.PERSON else profile.loans
    return (name, ref) if any(r == ref for r, _v in rows) else None


def _check(name: str, ref: str | None, value: Any, language: str) -> str:
    """The profile's own range check of one value ("" when it passes)."""
    subject = FACTS[name].subject
    body: dict[str, Any] = {"enterprise": {}, "people": [], "loans": []}
    if subject is Subject.ENTERPRISE:
        body["enterprise"][name] = value
    else:
        body["people" if subject is Subject.PERSON else "loans"].append({"ref": ref, name: value})
    try:
        Profile.from_data(_json_ready(body), for_storage=True)
    except ProfileError as exc:
        return " ".join(exc.messages(language).values())
    return ""


def _json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@require_GET
def try_change(request: HttpRequest) -> HttpResponse:
    current = current_results(request)
    if current is None:
        return redirect(step_url("enterprise"))
    language = language_of(request)
    profile = current.profile
    context: dict[str, Any] = {"facts": try_choices(profile, language), "nav": "results"}
    target = _target(request, profile)
    if target is None:
        return render(request, "pages/try_change.html", context)
    name, ref = target
    fact = FACTS[name]
    values = dict(profile.enterprise)
    if ref:
        rows = profile.people if fact.subject is Subject.PERSON else profile.loans
        values = dict(next(v for r, v in rows if r == ref))
    now = values.get(name)
    field = fact_field(fact, language)
    form = forms.Form({"value": request.GET["value"]} if "value" in request.GET else None)
    form.fields["value"] = field
    context.update(
        {
            "fact": fact,
            "fact_label": fact.label.get(language),
            "owner": subject_label(fact.subject.value, ref),
            "ref": ref or "",
            "selected": f"{name}:{ref}" if ref else name,
            "now": format_value(fact, now, language) if now is not None else "",
            "form": form,
            "field_url": field_url(name, row_index(profile, name, ref)),
        }
    )
    if form.is_bound and form.is_valid():
        value = form.cleaned_data["value"]
        problem = _check(name, ref, value, language) if value not in (None, [], "") else ""
        if problem:
            form.add_error("value", problem)
        else:
            if fact.kind is Kind.CODES:  # a profile holds a set of codes
                value = frozenset(value) if value else None
            change = ProfileChange(name, fact.subject, ref, value)
            comparison = compare(profile=profile, changes=[change], as_of=timezone.localdate())
            context["comparison"] = comparison_json(comparison, language)
            context["tried"] = (
                format_value(fact, value, language) if value not in (None, []) else ""
            )
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "pages/try_change.html", context, status=status)
