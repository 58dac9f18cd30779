"""The profile form in steps: enterprise → people → loans → review (design §8).

Works without JavaScript: every button is a submit button of the step's form, whose name `go`
says where to go next (next, previous, a step, add or remove a row, the other language, the
results). Whatever the button, the step's answers are kept first (POST → session → redirect),
so going back and forth never loses input; errors show whenever a step is displayed.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from enterprises.models import Enterprise
from enterprises.services import enterprise_save_for_owner
from policy_match.rules import FACTS, format_value, normalize_language

from ..forms import FactForm
from .cards import subject_label
from .draft import (
    SUBJECT_STEPS,
    CheckedDraft,
    Draft,
    draft_check,
    draft_for,
    draft_save,
    draft_update,
    new_draft,
    row_add,
    row_remove,
)

STEPS = (*SUBJECT_STEPS, "review")


def owned_enterprise(user: AbstractBaseUser | AnonymousUser) -> Enterprise | None:
    if not user.is_authenticated:
        return None
    return Enterprise.objects.filter(owner_id=user.pk).order_by("id").first()


def language_of(request: HttpRequest) -> str:
    return normalize_language(translation.get_language())


def step_url(step: str, language: str | None = None, anchor: str = "") -> str:
    with translation.override(language or translation.get_language()):
        url = reverse("pages:profile-step", kwargs={"step": step})
    return f"{url}#{anchor}" if anchor else url


@require_http_methods(["GET", "POST"])
def profile_step(request: HttpRequest, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    draft = draft_for(request, owned_enterprise(request.user))
    if request.method == "POST":
        return _post(request, step, draft)
    checked = draft_check(draft, language_of(request))
    context: dict[str, Any] = {
        "step": step,
        "step_number": STEPS.index(step) + 1,
        "steps": _steps(step, checked),
        "nav": "profile",
        "previous": STEPS[STEPS.index(step) - 1] if step != STEPS[0] else None,
        "next": STEPS[STEPS.index(step) + 1] if step != STEPS[-1] else None,
        "checked": checked,
        "signed_in": request.user.is_authenticated,
    }
    if step == "enterprise":
        context["forms"] = [checked.enterprise]
    elif step in SUBJECT_STEPS:
        context["forms"] = checked.forms_of(step)
        context["rows"] = [
            (subject_label("person" if step == "people" else "loan", f"{step[0]}{i + 1}"), form)
            for i, form in enumerate(checked.forms_of(step))
        ]
    else:
        context["review"] = _review(draft, checked, language_of(request))
        context["review_people"] = bool(draft["people"])
        context["signup_url"] = reverse("pages:signup")
    _focus(request, context.get("forms", []))
    # Opened from the results ("answer to find out"): a button saves and goes straight back.
    context["back_to_results"] = request.GET.get("back") == "results"
    context["errors"] = [
        (form, name, error)
        for form in context.get("forms", [])
        for name, errors in form.errors.items()
        for error in errors
    ]
    return render(request, f"pages/profile_{_template(step)}.html", context)


def _focus(request: HttpRequest, forms: list[FactForm]) -> None:
    """?focus=<fact>&row=<n>: that field gets autofocus, so a link from the results opens the
    question ready to answer, with or without JavaScript."""
    name = request.GET.get("focus", "")
    try:
        row = int(request.GET.get("row", "0"))
    except ValueError:
        return
    if not name or not 0 <= row < len(forms) or name not in forms[row].fields:
        return
    widget = forms[row].fields[name].widget
    widget.attrs = {**widget.attrs, "autofocus": True}


def _template(step: str) -> str:
    return "rows" if step in ("people", "loans") else step


def _steps(current: str, checked: CheckedDraft) -> list[dict[str, Any]]:
    return [
        {
            "name": step,
            "current": step == current,
            "errors": step in SUBJECT_STEPS and checked.step_has_errors(step),
        }
        for step in STEPS
    ]


def _post(request: HttpRequest, step: str, draft: Draft) -> HttpResponse:
    action = request.POST.get("go", "next")
    if action == "restart":
        draft_save(request, new_draft())
        return redirect(step_url(STEPS[0]))
    draft = draft_update(draft, step, request.POST) if step in SUBJECT_STEPS else dict(draft)
    target, anchor = step, ""
    if action == "add" and step in ("people", "loans"):
        index = row_add(draft, step)
        draft_save(request, draft)
        return redirect(step_url(step, anchor=f"row-{step}-{index}"))
    if action.startswith("remove:") and step in ("people", "loans"):
        row_remove(draft, step, _index(action))
        anchor = f"rows-{step}"
    elif action.startswith("lang:"):
        draft_save(request, draft)
        return redirect(step_url(step, language=normalize_language(action[5:])))
    elif action.startswith("step:") and action[5:] in STEPS:
        target = action[5:]
    elif action == "previous" and step != STEPS[0]:
        target = STEPS[STEPS.index(step) - 1]
    elif action == "next" and step != STEPS[-1]:
        # Errors keep the founder on the step, next to the fields to fix.
        errors = draft_check(draft, language_of(request)).step_has_errors(step)
        target = step if errors else STEPS[STEPS.index(step) + 1]
    elif action == "results":
        return _results(request, draft)
    draft_save(request, draft)
    return redirect(step_url(target, anchor=anchor))


def _index(action: str) -> int:
    try:
        return int(action.split(":", 1)[1])
    except ValueError:
        return -1


def _results(request: HttpRequest, draft: Draft) -> HttpResponse:
    checked = draft_check(draft, language_of(request))
    if checked.profile is None:
        draft_save(request, draft)
        return redirect(step_url(checked.first_step_with_errors() or "review", anchor="errors"))
    draft = {**draft, "submitted": True}
    draft_save(request, draft)
    if request.user.is_authenticated:
        enterprise_save_for_owner(
            owner=request.user,
            profile=checked.profile,
            name=draft["name"],
            language=language_of(request),
        )
    return redirect("pages:results")


def _review(draft: Draft, checked: CheckedDraft, language: str) -> list[dict[str, Any]]:
    """The answers per enterprise, person and loan, formatted as the results will read them."""
    body = checked.body
    sections: list[tuple[str, str, FactForm, dict[str, Any], int]] = [
        ("enterprise", "", checked.enterprise, body["enterprise"], 0)
    ]
    for step, subject in (("people", "person"), ("loans", "loan")):
        for i, (form, values) in enumerate(zip(checked.forms_of(step), body[step], strict=True)):
            sections.append((step, subject_label(subject, values["ref"]), form, values, i))
    review = []
    for step, title, form, values, i in sections:
        answers = [
            (FACTS[name].label.get(language), format_value(FACTS[name], value, language))
            for name, value in values.items()
            if name != "ref"
        ]
        if step == "enterprise" and draft["name"]:
            answers.insert(0, (str(_("企业名称")), draft["name"]))
        review.append(
            {
                "step": step,
                "title": title,
                "answers": answers,
                "answered": sum(1 for name in values if name != "ref"),
                "asked": len(form.facts()),
                "errors": bool(form.errors),
                "index": i,
            }
        )
    return review
