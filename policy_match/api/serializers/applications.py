"""Serializers of an enterprise's application records (/enterprises/{id}/applications/).

Requests are read by `application_input` with the API's strict wire forms (dates as
YYYY-MM-DD strings, money as decimal strings); the serializers document them."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from policy_match.models import Application, ApplicationStatus

from .facts import DocumentedField, money_field
from .profile_input import parse_iso_date

AMOUNT_PATTERN = r"^\d{1,14}(\.\d{1,2})?$"
_AMOUNT = re.compile(AMOUNT_PATTERN)
SLUG_PATTERN = r"^[-a-zA-Z0-9_]{1,80}$"
_SLUG = re.compile(SLUG_PATTERN)
CREATE_FIELDS = ("policy", "subject", "status", "applied_on", "awarded_amount", "paid_amount",
                 "paid_on", "reason")  # fmt: skip
UPDATE_FIELDS = CREATE_FIELDS[2:]


def _amount_field(help_text: str) -> serializers.Field:
    schema = {"type": "string", "format": "decimal", "pattern": AMOUNT_PATTERN, "example": "50000"}
    return DocumentedField(schema=schema, required=False, allow_null=True, help_text=help_text)


def _date_field(help_text: str) -> serializers.Field:
    return serializers.DateField(required=False, allow_null=True, help_text=help_text)


class ApplicationUpdateInputSerializer(serializers.Serializer):
    """A new status of the line, with the values it states (others are refused)."""

    status = serializers.ChoiceField(
        choices=ApplicationStatus.choices,
        help_text=(
            "applied (needs applied_on) → awarded (awarded_amount) → paid (paid_amount, "
            "paid_on); applied → rejected (reason); rejected → applied (the next round)"
        ),
    )
    applied_on = _date_field("the date the application was made, not after today")
    awarded_amount = _amount_field("the amount awarded, yuan")
    paid_amount = _amount_field("the amount paid, yuan")
    paid_on = _date_field("the date it was paid, not after today nor before applied_on")
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=500, help_text="why it was rejected"
    )


class ApplicationCreateInputSerializer(ApplicationUpdateInputSerializer):
    """The line (measure and subject) and its status."""

    policy = serializers.CharField(max_length=80, help_text="the measure's slug")
    subject = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=40,
        help_text="the person's or loan's ref for measures of people or loans; none otherwise",
    )


def application_input(data: Any, *, create: bool) -> dict[str, Any]:
    """The request's values in their types, or ValidationError naming each field."""
    if not isinstance(data, dict):
        raise serializers.ValidationError({"": _("应为 JSON 对象")})
    allowed = CREATE_FIELDS if create else UPDATE_FIELDS
    errors = {key: _("未知的字段“%(name)s”") % {"name": key} for key in data if key not in allowed}
    values: dict[str, Any] = {}
    for name in allowed:
        raw = data.get(name)
        if raw is None:
            continue
        if name in ("applied_on", "paid_on"):
            values[name] = parse_iso_date(raw)
            if values[name] is None:
                errors[name] = _("应为日期（YYYY-MM-DD）")
        elif name in ("awarded_amount", "paid_amount"):
            if not isinstance(raw, str) or not _AMOUNT.fullmatch(raw):
                errors[name] = _('应为以字符串表示的金额（元），最多两位小数，如 "50000.00"')
            else:
                values[name] = raw
        elif not isinstance(raw, str):
            errors[name] = _("应为字符串")
        elif name == "policy" and not _SLUG.fullmatch(raw):
            errors[name] = _("没有这项已发布的政策")
        elif "\x00" in raw or len(raw) > (500 if name == "reason" else 80):
            errors[name] = _("过长或含空字符")
        else:
            values[name] = raw
    if "status" not in values and "status" not in errors:
        errors["status"] = _("必须填写")
    elif "status" in values and values["status"] not in ApplicationStatus.values:
        errors["status"] = _("未知的申报状态")
    if create and "policy" not in values and "policy" not in errors:
        errors["policy"] = _("必须填写")
    if errors:
        raise serializers.ValidationError(errors)
    return values


class ApplicationStateOutputSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=ApplicationStatus.choices)
    applied_on = serializers.DateField(allow_null=True)
    awarded_amount = money_field(allow_null=True)
    paid_amount = money_field(allow_null=True)
    paid_on = serializers.DateField(allow_null=True)
    reason = serializers.CharField()
    by = serializers.ChoiceField(
        choices=[("partner", "partner"), ("staff", "staff"), ("owner", "owner")],
        help_text="who recorded it: a partner key, staff, or the enterprise's owner",
    )


class ApplicationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    policy = serializers.CharField(help_text="the measure's slug")
    name = serializers.CharField(help_text="the measure's name, in the request's language")
    subject = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=ApplicationStatus.choices)
    status_label = serializers.CharField()
    applied_on = serializers.DateField(allow_null=True)
    awarded_amount = money_field(allow_null=True)
    paid_amount = money_field(allow_null=True)
    paid_on = serializers.DateField(allow_null=True)
    reason = serializers.CharField()
    updated_at = serializers.DateTimeField()
    history = ApplicationStateOutputSerializer(
        many=True, required=False, help_text="every recorded state, newest first (detail only)"
    )


def _money(value: Any) -> str | None:
    return None if value is None else f"{value:.2f}"


def application_json(
    application: Application, history: list[dict[str, Any]] | None
) -> dict[str, Any]:
    version = application.policy.current_version
    data: dict[str, Any] = {
        "id": application.pk,
        "policy": application.policy.slug,
        "name": version.name if version else application.policy.slug,
        "subject": application.subject_ref or None,
        "status": application.status,
        "status_label": str(ApplicationStatus(application.status).label),
        "applied_on": application.applied_on,
        "awarded_amount": _money(application.awarded_amount),
        "paid_amount": _money(application.paid_amount),
        "paid_on": application.paid_on,
        "reason": application.reason,
        "updated_at": application.updated_at,
    }
    if history is not None:
        data["history"] = [
            {**state, "awarded_amount": _money(state["awarded_amount"]),
             "paid_amount": _money(state["paid_amount"])}
            for state in history
        ]  # fmt: skip
    return data
