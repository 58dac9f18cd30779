"""Impact preview of a draft version against the published one (design §6): saved nowhere.

Everything is computed in SQL with the compiled rules (`to_q`) and formulas: one aggregate for
the counts, one for the money, one query per list of changed subjects. No Python loop over
enterprises. The money is what the measure adds to the enterprises' totals, counted as the
match report counts it (`report.total`): lines summed per enterprise and capped where the
catalogue caps an enterprise (per `cap_per` value), and in a 不重复享受 group only what exceeds
the enterprise's best other measure of the group (its stored matches).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Case, Count, DecimalField, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from policies.models import PolicyVersion
from policies.versions import version_in_force

from .catalogue import CompiledPolicy, compile_version
from .formula_sql import amount_expression, money_field
from .models import Match, MatchStatus
from .rematch_rows import MODELS
from .rules import FACTS, Subject, format_value
from .rules.to_q import to_q

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Change:
    enterprise_id: int
    enterprise_name: str
    subject_ref: str
    before: Decimal | None  # amount when eligible before, else None
    after: Decimal | None
    credit_code: str = ""
    # Who or what the line is about, as staff name it: a person's name (else their ref), a
    # loan's product and amount; both read by `subject_text`.
    person_name: str = ""
    founder: bool | None = None
    product: str | None = None
    loan_amount: Decimal | None = None

    def subject_text(self, language: str) -> str:
        zh = language == "zh-hans"
        if self.product is not None or self.loan_amount is not None:
            product = format_value(FACTS["product"], self.product, language)
            amount = format_value(FACTS["amount"], self.loan_amount, language)
            return (
                f"{product} · {amount}（{self.subject_ref}）"
                if zh
                else (f"{product} · {amount} ({self.subject_ref})")
            )
        if self.subject_ref:
            role = ("创始人" if zh else "founder") if self.founder else ""
            name = self.person_name or self.subject_ref
            if role:
                return f"{name}（{role}）" if zh else f"{name} ({role})"
            return name
        return ""


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
    totals.update(_enterprise_money(rows, new, policy_id=policy.pk))
    enterprises = MODELS[Subject.ENTERPRISE].objects.count()
    result = Preview(enterprises=enterprises, **_money(totals))
    enterprise = "" if subject is Subject.ENTERPRISE else "enterprise__"
    extra = {
        Subject.ENTERPRISE: [],
        Subject.PERSON: ["ref", "name", "is_founder"],
        Subject.LOAN: ["ref", "product", "amount"],
    }[subject]
    for bucket, condition in (("gain", gained), ("lose", lost), ("change", changed)):
        fields = ["before", "after", f"{enterprise}id", f"{enterprise}name"]
        fields += [f"{enterprise}credit_code", *extra]
        for row in rows.filter(condition).order_by("pk").values(*fields)[:limit]:
            getattr(result, bucket).append(
                Change(
                    enterprise_id=row[f"{enterprise}id"],
                    enterprise_name=row[f"{enterprise}name"],
                    credit_code=row[f"{enterprise}credit_code"] or "",
                    subject_ref=row.get("ref", ""),
                    before=_fen(row["before"]),
                    after=_fen(row["after"]),
                    person_name=row.get("name") or "",
                    founder=row.get("is_founder"),
                    product=row.get("product"),
                    loan_amount=row.get("amount") if subject is Subject.LOAN else None,
                )
            )
    return result


def _enterprise_money(
    rows: QuerySet[Any], policy: CompiledPolicy, *, policy_id: int
) -> dict[str, Any]:
    """The money before and after, per enterprise as the report totals it (one statement)."""
    owner = "id" if policy.subject is Subject.ENTERPRISE else "enterprise_id"
    capped = policy.cap_scope == "enterprise" and policy.cap is not None
    cap_params: list[Any] = []

    def bounded(column: str) -> str:
        quoted = f't."{column}"'  # "before" and "after" are keywords in SQLite
        if not capped:
            return quoted
        cap_params.extend([str(policy.cap), str(policy.cap)])
        return f"CASE WHEN {quoted} > %s THEN %s ELSE {quoted} END"

    # Grouped only where an enterprise has several rows: an enterprise measure has one row an
    # enterprise, and grouping 600,000 rows by their own key (twice, with a cap) was three
    # quarters of a preview's time.
    keys = [owner, policy.cap_per] if capped and policy.cap_per else [owner]
    if policy.subject is Subject.ENTERPRISE:
        keys = [owner]  # one row an enterprise: whatever the cap is per, it is per row
        inner, inner_params = rows.values_list(owner, "before", "after").query.sql_with_params()
        b, a = bounded("before"), bounded("after")
    else:
        grouped = rows.order_by().values(*keys).annotate(b=Sum("before"), a=Sum("after"))
        inner, inner_params = grouped.values_list(owner, "b", "a").query.sql_with_params()
        b, a = bounded("b"), bounded("a")
    per = f"SELECT t.{owner} AS owner, {b} AS b, {a} AS a FROM ({inner}) t"
    if len(keys) > 1:  # capped per (enterprise, cap_per): bounded, then summed an enterprise
        per = f"SELECT t.{owner} AS owner, SUM({b}) AS b, SUM({a}) AS a FROM ({inner}) t GROUP BY t.{owner}"  # noqa: E501
    other, other_params = "0", list[Any]()
    if policy.exclusive_group:
        # The enterprise's best other measure of the group is in its total already.
        other = (
            f"COALESCE((SELECT MAX(m.amount) FROM {Match._meta.db_table} m"
            f" JOIN {PolicyVersion._meta.db_table} v ON v.id = m.version_id"
            " WHERE m.enterprise_id = e.owner AND m.status = %s AND v.exclusive_group = %s"
            " AND m.policy_id <> %s), 0)"
        )
        other_params = [str(MatchStatus.ELIGIBLE), policy.exclusive_group, policy_id]
    sql = (
        f"SELECT SUM(CASE WHEN e.b > {other} THEN e.b - {other} ELSE 0 END),"
        f" SUM(CASE WHEN e.a > {other} THEN e.a - {other} ELSE 0 END) FROM ({per}) e"
    )
    with connection.cursor() as cursor:
        # Placeholders in the order they appear: four `other`, the caps, the inner query's.
        cursor.execute(sql, [*other_params * 4, *cap_params, *inner_params])
        before, after = cursor.fetchone()
    return {"money_before": before, "money_after": after}


def _fen(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def _money(totals: dict[str, Any]) -> dict[str, Any]:
    return {
        key: (_fen(value) or ZERO) if key.startswith("money") else value
        for key, value in totals.items()
    }
