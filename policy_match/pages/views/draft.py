"""The profile being filled in: raw answers kept in the session, checked into a Profile.

The session keeps what was typed, valid or not, so moving between steps (or switching language)
never loses an answer, and an invalid one is shown again with its error. A draft is checked by
binding the registry-generated forms and then by `Profile.from_data`, whose errors (keyed by
field path, `people[1].age`) are put back on the field they belong to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, QueryDict
from django.utils import timezone

from enterprises.models import Enterprise
from enterprises.selectors import enterprise_profile
from policy_match.profile import Profile, ProfileError
from policy_match.rules import FACTS, Kind

from ..forms import FORMS, EnterpriseForm, FactForm, LoanForm, PersonForm, draft_value

SESSION_KEY = "profile_draft"
SUBJECT_STEPS = ("enterprise", "people", "loans")
REF_PREFIX = {"people": "p", "loans": "l"}
MAX_ROWS = 50  # people, and loans, one form can hold
_PATH = re.compile(r"^(enterprise|people|loans)(?:\[(\d+)\])?\.(\w+)$")

Draft = dict[str, Any]


def new_draft() -> Draft:
    """Nothing answered: a skipped question stays unknown (no registry default is filled in)."""
    return {"name": "", "enterprise": {}, "people": [], "loans": []}


def draft_get(request: HttpRequest) -> Draft | None:
    draft = request.session.get(SESSION_KEY)
    return draft if isinstance(draft, dict) else None


def draft_save(request: HttpRequest, draft: Draft) -> None:
    request.session[SESSION_KEY] = draft


def draft_for(request: HttpRequest, enterprise: Enterprise | None) -> Draft:
    """The session's draft; else the saved enterprise's profile; else a new one."""
    draft = draft_get(request)
    if draft is None:
        draft = draft_from_enterprise(enterprise) if enterprise else new_draft()
        draft_save(request, draft)
    return draft


def draft_from_enterprise(enterprise: Enterprise) -> Draft:
    """A saved profile as raw answers, every step marked visited (it was submitted once)."""
    profile = enterprise_profile(enterprise=enterprise)

    def raw(values: dict[str, Any]) -> dict[str, Any]:
        return {name: draft_value(FACTS[name], value) for name, value in values.items()}

    return {
        "name": enterprise.name,
        "enterprise": raw(profile.enterprise),
        "people": [raw(values) for _ref, values in profile.people],
        "loans": [raw(values) for _ref, values in profile.loans],
        "visited": list(SUBJECT_STEPS),
        "submitted": True,
    }


def rows_from_post(form_class: type[FactForm], post: QueryDict, prefix: str) -> dict[str, Any]:
    """The raw answers of one form in a POST (lists for multiple choices)."""
    row: dict[str, Any] = {}
    for fact in form_class.facts():
        key = f"{prefix}-{fact.name}"
        values = post.getlist(key)
        row[fact.name] = values if fact.kind is Kind.CODES else (values[0] if values else "")
    return row


def draft_update(draft: Draft, step: str, post: QueryDict) -> Draft:
    """Put the posted answers of `step` into the draft (whatever their validity)."""
    draft = {**draft, "visited": sorted({*draft.get("visited", []), step})}
    if step == "enterprise":
        draft["enterprise"] = rows_from_post(EnterpriseForm, post, "enterprise")
        draft["name"] = post.get("enterprise-enterprise_name", "").strip()[:200]
    elif step in REF_PREFIX:
        count = min(_int(post.get(f"{step}-count")), MAX_ROWS)
        draft[step] = [rows_from_post(FORMS[step], post, f"{step}-{i}") for i in range(count)]
    return draft


def _int(value: str | None) -> int:
    try:
        return max(int(value or 0), 0)
    except ValueError:
        return 0


def row_add(draft: Draft, step: str) -> int:
    """Append an empty row (nothing answered for it yet); returns its index."""
    rows = draft[step]
    if len(rows) < MAX_ROWS:
        rows.append({})
    return len(rows) - 1


def row_remove(draft: Draft, step: str, index: int) -> None:
    if 0 <= index < len(draft[step]):
        del draft[step][index]


def _data(prefix: str, row: dict[str, Any]) -> dict[str, Any]:
    return {f"{prefix}-{name}": value for name, value in row.items()}


@dataclass
class CheckedDraft:
    """The draft's forms, bound and checked, and the Profile when every answer is valid."""

    enterprise: EnterpriseForm
    people: list[PersonForm]
    loans: list[LoanForm]
    profile: Profile | None
    body: dict[str, Any] = field(default_factory=dict)

    def forms_of(self, step: str) -> list[FactForm]:
        if step == "enterprise":
            return [self.enterprise]
        return list(self.people if step == "people" else self.loans)

    def step_has_errors(self, step: str) -> bool:
        return any(form.errors for form in self.forms_of(step))

    def first_step_with_errors(self) -> str | None:
        return next((s for s in SUBJECT_STEPS if self.step_has_errors(s)), None)


def draft_check(draft: Draft, language: str) -> CheckedDraft:
    """Bind every form to the draft, and check the whole profile as the API would."""
    enterprise = EnterpriseForm(
        {**_data("enterprise", draft["enterprise"]), "enterprise-enterprise_name": draft["name"]},
        prefix="enterprise",
        language=language,
    )
    people = [
        PersonForm(_data(f"people-{i}", row), prefix=f"people-{i}", language=language)
        for i, row in enumerate(draft["people"])
    ]
    loans = [
        LoanForm(_data(f"loans-{i}", row), prefix=f"loans-{i}", language=language)
        for i, row in enumerate(draft["loans"])
    ]
    forms: list[FactForm] = [enterprise, *people, *loans]
    valid = all([form.is_valid() for form in forms])  # a list: bind every form, not the first
    body = {
        "enterprise": enterprise.fact_values(),
        "people": [{"ref": f"p{i + 1}", **f.fact_values()} for i, f in enumerate(people)],
        "loans": [{"ref": f"l{i + 1}", **f.fact_values()} for i, f in enumerate(loans)],
    }
    profile = None
    try:
        profile = Profile.from_data(body, for_storage=True)
        problems = profile.date_problems(timezone.localdate(), language)
    except ProfileError as exc:
        problems = exc.messages(language)
    for path, message in problems.items():
        form, name = _field_for(path, enterprise, people, loans)
        if form is not None and name in form.fields and name not in form.errors:
            form.add_error(name, message)
        elif form is not None:
            form.add_error(None, message)
    valid = valid and not problems
    return CheckedDraft(enterprise, people, loans, profile if valid else None, body)


def _field_for(
    path: str, enterprise: FactForm, people: list[PersonForm], loans: list[LoanForm]
) -> tuple[FactForm | None, str]:
    match = _PATH.match(path)
    if match is None:
        return enterprise, ""
    step, index, name = match.groups()
    if step == "enterprise":
        return enterprise, name
    rows: list[PersonForm] | list[LoanForm] = people if step == "people" else loans
    i = int(index or 0)
    return (rows[i] if i < len(rows) else None), name
