"""Impact preview of a draft version against the published one (design §6): saved nowhere.

Everything is computed in SQL with the compiled rules (`to_q`) and formulas: one aggregate for
the counts and money, one query for the changed subjects. No Python loop over enterprises.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, DecimalField, F, Q, Sum, Value, When
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from policies.models import PolicyVersion
from policies.versions import version_in_force

from .catalogue import CompiledPolicy, compile_version
from .formula_sql import amount_expression, money_field
from .rematch_sql import MODELS
from .rules import Subject
from .rules.to_q import to_q

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Change:
    enterprise_id: int
    enterprise_name: str
    subject_ref: str
    before: Decimal | None  # amount when eligible before, else None
    after: Decimal | None


@dataclass
class Preview:
    enterprises: int
    gain: list[Change] = field(default_factory=list)
    lose: list[Change] = field(default_factory=list)
    change: list[Change] = field(default_factory=list)
    gain_count: int = 0
    lose_count: int = 0
    change_count: int = 0
    eligible_before: int = 0
    eligible_after: int = 0
    money_before: Decimal = ZERO
    money_after: Decimal = ZERO


def _eligible(compiled: CompiledPolicy | None, as_of: date) -> Q:
    if compiled is None or not compiled.active_on(as_of):
        return Q(pk__in=[])
    return to_q(compiled.rule.rule, as_of=as_of, subject=compiled.subject)


def _amount(compiled: CompiledPolicy | None, as_of: date, eligible: Q) -> Any:
    if compiled is None:
        return Value(None, output_field=money_field())
    amount = amount_expression(
        compiled.formula, compiled.cap, as_of=as_of, subject=compiled.subject
    )
    return Cast(Case(When(eligible, then=amount), default=None), money_field())


def preview_policy_change(
    *, draft: PolicyVersion, as_of: date | None = None, limit: int = 200
) -> Preview:
    """Who would gain, lose or change amount if `draft` replaced the published version."""
    as_of = as_of or timezone.localdate()
    policy = draft.policy
    new = compile_version(draft)
    # Compared with the version in force on that date (a draft amends or corrects it).
    in_force = version_in_force(policy_id=policy.pk, as_of=as_of)
    old = compile_version(in_force) if in_force else None
    subject = new.subject
    was, now = _eligible(old, as_of), _eligible(new, as_of)
    rows = MODELS[subject].objects.annotate(
        before=_amount(old, as_of, was), after=_amount(new, as_of, now)
    )
    gained, lost = now & ~was, was & ~now
    differ = (
        Q(before__isnull=True, after__isnull=False)
        | Q(before__isnull=False, after__isnull=True)
        | (Q(before__isnull=False, after__isnull=False) & ~Q(before=F("after")))
    )
    changed = was & now & differ
    money: DecimalField[Decimal, Decimal] = DecimalField(max_digits=20, decimal_places=2)
    totals = rows.aggregate(
        gain_count=Count("pk", filter=gained),
        lose_count=Count("pk", filter=lost),
        change_count=Count("pk", filter=changed),
        eligible_before=Count("pk", filter=was),
        eligible_after=Count("pk", filter=now),
        money_before=Coalesce(Sum("before", output_field=money), Value(ZERO), output_field=money),
        money_after=Coalesce(Sum("after", output_field=money), Value(ZERO), output_field=money),
    )
    enterprises = MODELS[Subject.ENTERPRISE].objects.count()
    result = Preview(enterprises=enterprises, **_money(totals))
    enterprise = "" if subject is Subject.ENTERPRISE else "enterprise__"
    for bucket, condition in (("gain", gained), ("lose", lost), ("change", changed)):
        fields = ["before", "after", f"{enterprise}id", f"{enterprise}name"]
        if subject is not Subject.ENTERPRISE:
            fields.append("ref")
        for row in rows.filter(condition).order_by("pk").values(*fields)[:limit]:
            getattr(result, bucket).append(
                Change(
                    enterprise_id=row[f"{enterprise}id"],
                    enterprise_name=row[f"{enterprise}name"],
                    subject_ref=row.get("ref", ""),
                    before=_fen(row["before"]),
                    after=_fen(row["after"]),
                )
            )
    return result


def _fen(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def _money(totals: dict[str, Any]) -> dict[str, Any]:
    return {
        key: (_fen(value) or ZERO) if key.startswith("money") else value
        for key, value in totals.items()
    }
