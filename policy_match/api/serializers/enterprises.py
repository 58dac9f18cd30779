"""Serializers of a partner's enterprises (/enterprises/) and their stored matches.

An enterprise's body is the /match/ profile ({enterprise, people, loans}) plus its identity
(name, name_en, credit_code), so a partner can store a profile it has matched as it is.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField, empty

from enterprises.models import (
    VISIBLE_NAME_PATTERN,
    Enterprise,
    Loan,
    Person,
    normalize_credit_code,
    validate_credit_code,
    validate_visible_name,
)
from policies.models import Category
from policy_match.api.serializers.facts import (
    EnterpriseFactsInputSerializer,
    LoanInputSerializer,
    StoredPersonInputSerializer,
    money_field,
)
from policy_match.api.serializers.matching import (
    MatchReasonOutputSerializer,
    MatchSubjectOutputSerializer,
    MissingFactOutputSerializer,
)
from policy_match.api.serializers.profile_input import validate_profile
from policy_match.models import ChangeCause, Match, MatchStatus
from policy_match.profile import Profile
from policy_match.rules import FACTS

_IDENTITY = ("name", "name_en", "credit_code")
_PROFILE = ("enterprise", "people", "loans")


def _wire(values: dict[str, Any]) -> dict[str, Any]:
    """Stored values as a request sends them (decimals and dates as strings)."""
    return {
        name: value.isoformat() if isinstance(value, date) else
        str(value) if isinstance(value, Decimal) else value
        for name, value in values.items()
    }  # fmt: skip


def profile_as_data(profile: Profile) -> dict[str, Any]:
    """A stored profile in request form, the base a PATCH is applied to."""
    return {
        "enterprise": _wire(dict(profile.enterprise)),
        "people": [{"ref": ref, **_wire(values)} for ref, values in profile.people],
        "loans": [{"ref": ref, **_wire(values)} for ref, values in profile.loans],
    }


@extend_schema_field(
    {"type": "string", "maxLength": 200, "pattern": VISIBLE_NAME_PATTERN},
)
class NameInputField(serializers.CharField):
    """A name: something visible, no control characters (VISIBLE_NAME_PATTERN; NUL is one)."""


# The form of a code; its check digit no pattern can state (format `uscc` says it is checked).
CREDIT_CODE_PATTERN = r"^[0-9]{8}[0-9A-HJ-NPQRTUWXY]{10}$"


@extend_schema_field(
    {"type": "string", "format": "uscc", "pattern": CREDIT_CODE_PATTERN, "maxLength": 18}
)
class CreditCodeInputField(serializers.CharField):
    pass


class EnterpriseInputSerializer(serializers.Serializer):
    """Create (POST) or change (PATCH) an enterprise. In a PATCH, enterprise facts are merged
    (null makes a fact unknown) and `people` / `loans`, when present, replace the lists."""

    name = NameInputField(max_length=200, validators=[validate_visible_name])
    name_en = NameInputField(
        max_length=200, required=False, allow_blank=True, validators=[validate_visible_name]
    )
    credit_code = CreditCodeInputField(
        max_length=18,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text=(
            "统一社会信用代码 (GB 32100-2015): 8 digits, then 10 of 0-9 and A-Y without I, O, S, "
            "V and Z, the last being the check digit (weighted sum modulo 31), which is "
            "verified; lower case is read as upper case; null or empty for none. Unique among "
            "your enterprises."
        ),
    )
    enterprise = EnterpriseFactsInputSerializer(required=False)
    people = StoredPersonInputSerializer(many=True, required=False)
    loans = LoanInputSerializer(many=True, required=False)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise serializers.ValidationError({"": _("应为 JSON 对象")})
        errors: dict[str, str] = {
            key: _("未知的字段“%(name)s”") % {"name": key}
            for key in data
            if key not in _IDENTITY + _PROFILE
        }
        identity: dict[str, Any] = {}
        for name in _IDENTITY:
            if self.partial and name not in data:
                continue
            try:
                identity[name] = self.fields[name].run_validation(data.get(name, empty))
            except SkipField:  # optional and absent
                continue
            except serializers.ValidationError as exc:
                errors[name] = " ".join(str(item) for item in exc.detail)
        if "credit_code" in identity:
            identity["credit_code"] = normalize_credit_code(identity["credit_code"])
        if identity.get("credit_code") and "credit_code" not in errors:
            try:
                validate_credit_code(identity["credit_code"])
            except DjangoValidationError as exc:
                errors["credit_code"] = " ".join(exc.messages)
        base = self.context.get("base") or {"enterprise": {}, "people": [], "loans": []}
        facts = data.get("enterprise", {})
        merged = {
            "enterprise": {**base["enterprise"], **facts} if isinstance(facts, dict) else facts,
            "people": data.get("people", base["people"]),
            "loans": data.get("loans", base["loans"]),
        }
        try:
            profile = validate_profile(
                merged,
                language=self.context["language"],
                as_of=timezone.localdate(),
                for_storage=True,
            )
        except serializers.ValidationError as exc:
            errors = {**cast(dict[str, str], exc.detail), **errors}
        if errors:
            raise serializers.ValidationError(errors)
        return {**identity, "profile": profile}


class EnterpriseFactsOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enterprise
        fields = Profile.enterprise_fields()


class PersonOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        # No names: minimal personal data. born_on_estimated: the birth date was worked out
        # from an age stored before birth dates were kept.
        fields = ("ref", *Profile.person_fields(), "born_on_estimated")


class LoanOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Loan
        fields = ("ref", *Profile.loan_fields())


class EnterpriseOutputSerializer(serializers.ModelSerializer):
    enterprise = EnterpriseFactsOutputSerializer(source="*")
    people = PersonOutputSerializer(many=True)
    loans = LoanOutputSerializer(many=True)

    class Meta:
        model = Enterprise
        fields = (
            "id",
            "name",
            "name_en",
            "credit_code",
            "enterprise",
            "people",
            "loans",
            "created_at",
            "updated_at",
        )


class EnterpriseMatchOutputSerializer(serializers.ModelSerializer):
    """A stored result line (written when the enterprise is saved or a measure re-published)."""

    policy = serializers.SlugField(source="policy.slug")
    name = serializers.CharField(source="version.name")
    category = serializers.ChoiceField(choices=Category.choices, source="policy.category")
    status = serializers.ChoiceField(choices=MatchStatus.choices)
    subject = serializers.SerializerMethodField()
    version = serializers.IntegerField(source="version.number")
    missing = serializers.SerializerMethodField()

    class Meta:
        model = Match
        fields = (
            "policy",
            "name",
            "category",
            "status",
            "subject",
            "amount",
            "missing",
            "version",
            "evaluated_on",
            "evaluated_at",
        )

    @extend_schema_field(MatchSubjectOutputSerializer)
    def get_subject(self, match: Match) -> dict[str, str | None]:
        return {"type": match.subject_type, "ref": match.subject_ref or None}

    @extend_schema_field(MissingFactOutputSerializer(many=True))
    def get_missing(self, match: Match) -> list[dict[str, str]]:
        language = self.context["language"]
        return [
            {"fact": name, "label": FACTS[name].label.get(language) if name in FACTS else name}
            for name in match.missing
        ]


class RecordValueOutputSerializer(serializers.Serializer):
    fact = serializers.CharField(help_text="a fact name of GET /facts/")
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    value = serializers.JSONField(help_text="as stored (decimals and dates as strings)")
    shown = serializers.CharField(help_text="the value as a person reads it")


class RecordVersionOutputSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    valid_from = serializers.DateField(allow_null=True)
    valid_to = serializers.DateField(allow_null=True)


class RecordConfirmedOutputSerializer(serializers.Serializer):
    version = serializers.IntegerField(allow_null=True, help_text="null: no version in force")
    on = serializers.DateField(help_text="the latest evaluation date that gave this result")


class RecordFormulaOutputSerializer(serializers.Serializer):
    inputs = RecordValueOutputSerializer(many=True)
    amount = money_field(allow_null=True)


class MatchRecordOutputSerializer(serializers.Serializer):
    subject = MatchSubjectOutputSerializer()
    status = serializers.ChoiceField(choices=MatchStatus.choices)
    amount = money_field(allow_null=True)
    version = RecordVersionOutputSerializer(help_text="the version that decided it")
    evaluated_on = serializers.DateField(help_text="the evaluation date of that decision")
    confirmed = RecordConfirmedOutputSerializer()
    recorded = serializers.BooleanField(
        help_text="false for a result stored before records were kept (no reasons yet)"
    )
    inputs = RecordValueOutputSerializer(many=True, help_text="every stored fact it read")
    reasons = MatchReasonOutputSerializer(many=True, help_text="from the stored outcomes")
    formula = RecordFormulaOutputSerializer(allow_null=True)
    missing = MissingFactOutputSerializer(many=True)


class MatchChangeOutputSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    cause = serializers.ChoiceField(choices=ChangeCause.choices)
    subject = MatchSubjectOutputSerializer()
    from_status = serializers.ChoiceField(choices=MatchStatus.choices, allow_null=True)
    to_status = serializers.ChoiceField(
        choices=MatchStatus.choices, allow_null=True, help_text="null: the result was removed"
    )
    from_amount = money_field(allow_null=True)
    to_amount = money_field(allow_null=True)


class EnterpriseMatchRecordOutputSerializer(serializers.Serializer):
    policy = serializers.SlugField()
    name = serializers.CharField()
    results = MatchRecordOutputSerializer(many=True, help_text="one per subject")
    changes = MatchChangeOutputSerializer(many=True, help_text="newest first, at most 100")
