"""What an enterprise did about a measure (design §14): a line marked applied (with the date),
awarded (the amount), paid (amount and date) or rejected (why), kept with its history.

One use-case for every surface (the startup's results page, the admin, the partner API), so
that the same transitions and checks hold everywhere. The line is the measure and its subject
(the enterprise itself, or one of its people or loans, by ref), as in the results.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from enterprises.models import Enterprise, validate_visible_name
from policies.models import Policy, PolicyStatus, SubjectType

from .jobs import APPLICATION_UPDATED, job_send
from .models import Application, ApplicationStatus

APPLIED, AWARDED, PAID, REJECTED = (
    ApplicationStatus.APPLIED,
    ApplicationStatus.AWARDED,
    ApplicationStatus.PAID,
    ApplicationStatus.REJECTED,
)
# Where a line may go from where it is (None: nothing recorded yet, so any status: a startup
# may record an award it got before it used this site). A rejected line may be applied for
# again (the next round); a status may be kept to correct its date, amount or reason.
NEXT: dict[str | None, set[str]] = {
    None: {APPLIED, AWARDED, PAID, REJECTED},
    APPLIED: {APPLIED, AWARDED, PAID, REJECTED},
    AWARDED: {AWARDED, PAID},
    PAID: {PAID},
    REJECTED: {REJECTED, APPLIED},
}
# The values each status states; any other given with it is refused (not silently dropped).
FIELDS: dict[str, set[str]] = {
    APPLIED: {"applied_on"},
    AWARDED: {"applied_on", "awarded_amount"},
    PAID: {"applied_on", "awarded_amount", "paid_amount", "paid_on"},
    REJECTED: {"applied_on", "reason"},
}
REQUIRED: dict[str, set[str]] = {
    APPLIED: {"applied_on"},
    AWARDED: {"awarded_amount"},
    PAID: {"paid_amount", "paid_on"},
    REJECTED: {"reason"},
}
VALUES = ("applied_on", "awarded_amount", "paid_amount", "paid_on", "reason")
MAX_AMOUNT = Decimal("99999999999999.99")
EARLIEST = date(2000, 1, 1)


class ApplicationError(Exception):
    """Refused input: {field: message} in the active language."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


class ApplicationConflict(ApplicationError):
    """The line already has a record (create), or the status cannot follow the current one."""


@dataclass(frozen=True)
class Line:
    policy: Policy
    subject_type: str
    subject_id: int
    subject_ref: str


def application_line(*, enterprise: Enterprise, policy_slug: str, subject_ref: str | None) -> Line:
    """The line a record is about: a published measure, and the subject of its kind."""
    policy = Policy.objects.filter(slug=policy_slug, status=PolicyStatus.PUBLISHED).first()
    if policy is None:
        raise ApplicationError({"policy": _("没有这项已发布的政策")})
    if policy.subject == SubjectType.ENTERPRISE:
        if subject_ref:
            raise ApplicationError({"subject": _("这项政策面向企业本身，不需要填写对象")})
        return Line(policy, policy.subject, 0, "")
    if not subject_ref:
        raise ApplicationError({"subject": _("这项政策面向个人或贷款：请填写对象的编号")})
    related = enterprise.people if policy.subject == SubjectType.PERSON else enterprise.loans
    subject_id = related.filter(ref=subject_ref).values_list("id", flat=True).first()
    if subject_id is None:
        raise ApplicationError({"subject": _("企业没有这个编号的人员或贷款")})
    return Line(policy, policy.subject, subject_id, subject_ref)


def _amount(name: str, value: Any) -> Decimal:
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ApplicationError({name: _("应为金额（元）")}) from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT:
        raise ApplicationError({name: _("金额应大于 0 且不超过 99999999999999.99 元")})
    if amount != amount.quantize(Decimal("0.01")):
        raise ApplicationError({name: _("金额最多两位小数")})
    return amount.quantize(Decimal("0.01"))


def _check(
    status: str, given: dict[str, Any], current: Application | None, *, today: date
) -> dict[str, Any]:
    """The values the record will hold: those given, those of the current record the status
    still states (an award keeps its application date), none of the others."""
    label = ApplicationStatus(status).label
    errors = {
        name: _("状态为“%(status)s”时不填写此项") % {"status": label}
        for name in given
        if given[name] not in (None, "") and name not in FIELDS[status]
    }
    values: dict[str, Any] = {}
    for name in VALUES:
        value = given.get(name)
        if isinstance(value, str):
            value = value.strip()  # a reason of spaces is no reason
        if value in (None, "") and current is not None and name in FIELDS[status]:
            value = getattr(current, name)
        values[name] = value if name in FIELDS[status] and value not in (None, "") else None
    errors.update(
        {name: _("状态为“%(status)s”时必须填写") % {"status": label}
         for name in REQUIRED[status] if values[name] is None}
    )  # fmt: skip
    if errors:
        raise ApplicationError(errors)
    for name in ("applied_on", "paid_on"):
        on = values[name]
        if on is None:
            continue
        if not isinstance(on, date):
            raise ApplicationError({name: _("应为日期（YYYY-MM-DD）")})
        if on > today:
            raise ApplicationError({name: _("不能晚于今天（%(today)s）") % {"today": today}})
        if on < EARLIEST:
            raise ApplicationError({name: _("不能早于 2000-01-01")})
    for name in ("awarded_amount", "paid_amount"):
        if values[name] is not None:
            values[name] = _amount(name, values[name])
    if values["applied_on"] and values["paid_on"] and values["paid_on"] < values["applied_on"]:
        raise ApplicationError({"paid_on": _("拨付日期不能早于申报日期")})
    if status == REJECTED:
        reason = str(values["reason"]).strip()
        if len(reason) > 500:
            raise ApplicationError({"reason": _("最多 500 个字符")})
        try:
            validate_visible_name(reason)
        except ValidationError as exc:
            raise ApplicationError({"reason": exc.messages[0]}) from None
        values["reason"] = reason
    values["reason"] = values["reason"] or ""
    return values


@transaction.atomic
def application_save(
    *,
    enterprise: Enterprise,
    line: Line,
    status: str,
    values: dict[str, Any],
    by: Any,
    today: date,
    create_only: bool = False,
) -> tuple[Application, bool]:
    """Record the line's status (with the values it states); returns (record, created).

    The line's row is locked while it is read and written, so two writers of one line apply
    one after the other and the transition is checked against what the other wrote."""
    if status not in ApplicationStatus.values:
        raise ApplicationError({"status": _("未知的申报状态")})
    current = (
        Application.objects.select_for_update()
        .filter(enterprise=enterprise, policy=line.policy, subject_id=line.subject_id)
        .first()
    )
    if current is not None and create_only:
        raise ApplicationConflict({"policy": _("这一项已有申报记录：请修改那条记录")})
    before = None if current is None else current.status
    if status not in NEXT[before]:
        labels = {
            "before": ApplicationStatus(str(before)).label,
            "after": ApplicationStatus(status).label,
        }
        raise ApplicationConflict({"status": _("不能从“%(before)s”改为“%(after)s”") % labels})
    clean = _check(status, values, current, today=today)
    application = current or Application(
        enterprise=enterprise,
        policy=line.policy,
        subject_type=line.subject_type,
        subject_id=line.subject_id,
        subject_ref=line.subject_ref,
    )
    for name in VALUES:
        setattr(application, name, clean[name])
    application.status = status
    application._history_user = by if getattr(by, "pk", None) else None  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:  # a concurrent first record of the same line won
        raise ApplicationConflict({"policy": _("这一项已有申报记录：请修改那条记录")}) from None
    transaction.on_commit(lambda: _updated(application.pk))
    return application, current is None


def _updated(application_id: int) -> None:
    # By name (jobs.py): webhooks and take-up read applications; this module must not need them.
    job_send(APPLICATION_UPDATED, application_id)


def application_history(*, application: Application) -> list[dict[str, Any]]:
    """Its recorded states, newest first, each with when and by whom (partner, staff or owner)."""
    states = application.history.select_related("history_user").order_by("-history_date")
    return [
        {
            "at": state.history_date,
            "status": state.status,
            "applied_on": state.applied_on,
            "awarded_amount": state.awarded_amount,
            "paid_amount": state.paid_amount,
            "paid_on": state.paid_on,
            "reason": state.reason,
            "by": _who(state.history_user, application),
        }
        for state in states
    ]


def _who(user: Any, application: Application) -> str:
    if user is None:
        return "partner"
    return "owner" if user.pk == application.enterprise.owner_id else "staff"
