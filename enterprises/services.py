"""Writes on enterprises: saving profiles (facts, people, loans) and loading demo data."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from policy_match.jobs import REMATCH_ENTERPRISE, WELCOME_SEND, job_send
from policy_match.profile import Profile, ProfileError

from .models import Enterprise, Loan, Partner, Person, validate_credit_code


class DemoDataError(Exception):
    pass


@transaction.atomic
def enterprise_save_profile(
    *,
    profile: Profile,
    name: str,
    name_en: str = "",
    credit_code: str | None = None,
    partner: Partner | None = None,
    enterprise: Enterprise | None = None,
) -> Enterprise:
    """Create or update an enterprise with exactly the facts, people and loans of `profile`."""
    enterprise = enterprise or Enterprise()
    enterprise.name, enterprise.name_en, enterprise.credit_code = name, name_en, credit_code
    if partner is not None:
        enterprise.partner = partner
    for fact_name in Profile.enterprise_fields():
        setattr(enterprise, fact_name, profile.enterprise.get(fact_name))
    # Owner and partner are not checked as fields (each would cost a query for a row the
    # caller already holds), but the credit code is checked in the partner's namespace.
    enterprise.full_clean(exclude=["owner", "partner"], validate_constraints=False)
    enterprise.validate_constraints(exclude=["owner"])
    enterprise.save()
    _replace_rows(enterprise, Person, profile.people, Profile.person_fields())
    _replace_rows(enterprise, Loan, profile.loans, Profile.loan_fields())
    return enterprise


Row = TypeVar("Row", Person, Loan)


def _replace_rows(
    enterprise: Enterprise,
    model: type[Row],
    subjects: tuple[tuple[str, dict[str, Any]], ...],
    names: tuple[str, ...],
) -> None:
    """Make the enterprise's people (or loans) exactly `subjects`, keeping the row of each ref
    that stays: its results and their history stay attached to the same person or loan, and a
    change elsewhere in the profile is no "lost, then gained" for them."""
    existing = {row.ref: row for row in model.objects.filter(enterprise=enterprise)}
    wanted = dict(subjects)
    model.objects.filter(pk__in=[r.pk for ref, r in existing.items() if ref not in wanted]).delete()
    kept: list[Row] = []
    added: list[Row] = []
    columns = list(names)
    for ref, values in subjects:
        row = existing.get(ref) or model(enterprise=enterprise, ref=ref)
        if isinstance(row, Person) and row.born_on != values.get("born_on"):
            row.born_on_estimated = False  # a date given now, no longer the estimate
        for name in names:
            setattr(row, name, values.get(name))
        (kept if row.pk else added).append(row)
    if model is Person:
        columns.append("born_on_estimated")
    if kept:
        model.objects.bulk_update(kept, columns)
    model.objects.bulk_create(added)


@transaction.atomic
def demo_enterprises_load(*, path: Path) -> int:
    """Upsert the demo enterprises (by credit code); all or nothing."""
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(items, list):
        raise DemoDataError(f"{path.name}: expected a list of enterprises")
    errors: list[str] = []
    entries = []
    for i, item in enumerate(items):
        where = f"{path.name}: [{i}]"
        try:
            validate_credit_code(item["credit_code"])
            profile = Profile.from_data(
                {k: item[k] for k in ("enterprise", "people", "loans") if k in item},
                for_storage=True,
            )
        except ProfileError as exc:
            errors += [f"{where}.{p}: {m}" for p, m in exc.messages("en").items()]
            continue
        except (ValidationError, KeyError, TypeError) as exc:
            errors.append(f"{where}.credit_code: {exc}")
            continue
        entries.append((item, profile))
    if errors:
        raise DemoDataError("\n".join(errors))
    for item, profile in entries:
        # Demo enterprises belong to no partner: a partner's enterprise with the same code is
        # another enterprise, in another namespace (see Enterprise.Meta.constraints).
        existing = Enterprise.objects.filter(
            credit_code=item["credit_code"], partner__isnull=True
        ).first()
        enterprise_save_profile(
            profile=profile,
            name=item["name"],
            name_en=item.get("name_en", ""),
            credit_code=item["credit_code"],
            enterprise=existing,
        )
    return len(entries)


@transaction.atomic
def enterprise_save_for_owner(
    *, owner: Any, profile: Profile, name: str, language: str = "zh-hans"
) -> Enterprise:
    """Save a startup's profile as its owner's enterprise and re-match it after commit; the
    first save also e-mails the owner its results, in `language` (the page's)."""
    enterprise = Enterprise.objects.filter(owner=owner).order_by("id").first()
    first = enterprise is None
    enterprise = enterprise_save_profile(
        profile=profile,
        name=name.strip() or owner.email or str(owner),
        name_en=enterprise.name_en if enterprise else "",
        credit_code=enterprise.credit_code if enterprise else None,
        enterprise=enterprise or Enterprise(owner=owner),
    )
    transaction.on_commit(lambda: job_send(REMATCH_ENTERPRISE, enterprise.pk))
    if first:
        transaction.on_commit(lambda: job_send(WELCOME_SEND, enterprise.pk, language))
    return enterprise


def enterprise_mark_seen(*, enterprise: Enterprise, at: Any) -> None:
    """Its owner has seen the results as of `at`: later changes are new to them. Written
    without a save (no revision, no history entry: nothing about the enterprise changed)."""
    Enterprise.objects.filter(pk=enterprise.pk).update(changes_seen_at=at)
    enterprise.changes_seen_at = at
