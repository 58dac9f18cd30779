"""Serializers of the published measures (GET /policies/, /policies/{slug}/)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from policies.models import (
    AmountKind,
    Award,
    BenefitKind,
    BenefitUnit,
    CapScope,
    Category,
    Confidence,
    Jurisdiction,
    SubjectType,
)
from policy_match.api.language import request_language
from policy_match.rules import parse, render_rule


class PolicyBenefitOutputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=BenefitKind.choices, source="benefit_kind")
    kind_label = serializers.CharField(source="get_benefit_kind_display")
    award = serializers.ChoiceField(
        choices=Award.choices, help_text="entitled: meeting the conditions gives it; competitive"
    )
    amount_kind = serializers.SerializerMethodField(help_text="exact (a formula) or up_to")
    cap = serializers.DecimalField(
        max_digits=16, decimal_places=2, allow_null=True, help_text="yuan; null for in-kind"
    )
    cap_scope = serializers.ChoiceField(choices=CapScope.choices)
    unit = serializers.ChoiceField(choices=BenefitUnit.choices)
    unit_label = serializers.CharField(source="get_unit_display")
    formula = serializers.JSONField(
        allow_null=True, help_text="arithmetic tree (docs/catalogue-format.md); null: the cap"
    )
    value_note = serializers.CharField(help_text="in-kind benefits")
    estimated_value = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    amount_note = serializers.CharField()

    @extend_schema_field(serializers.ChoiceField(choices=AmountKind.choices))
    def get_amount_kind(self, version: Any) -> str:
        return str(version.amount_kind or ("exact" if version.formula else "up_to"))


class PolicyApplicationOutputSerializer(serializers.Serializer):
    channel = serializers.CharField(source="application_channel")
    url = serializers.CharField(source="application_url", help_text="may be empty")


class PolicyOutputSerializer(serializers.Serializer):
    slug = serializers.SlugField(source="policy.slug")
    category = serializers.ChoiceField(choices=Category.choices, source="policy.category")
    category_label = serializers.CharField(source="policy.get_category_display")
    subject = serializers.ChoiceField(choices=SubjectType.choices, source="policy.subject")
    name = serializers.CharField()
    summary = serializers.CharField()
    issuer = serializers.CharField()
    jurisdiction = serializers.ChoiceField(
        choices=Jurisdiction.choices, help_text="whose measure it is: district, city, province …"
    )
    jurisdiction_name = serializers.CharField(help_text="e.g. 深圳市; empty: Nanshan District")
    version = serializers.IntegerField(source="number")
    benefit = PolicyBenefitOutputSerializer(source="*")
    valid_from = serializers.DateField(allow_null=True, help_text="null: valid since ever")
    valid_to = serializers.DateField(allow_null=True, help_text="null: open-ended")
    apply_opens = serializers.DateField(allow_null=True, help_text="申报窗口 (may be unknown)")
    apply_closes = serializers.DateField(allow_null=True)
    exclusive_group = serializers.CharField(
        help_text="measures of one group are not cumulative (不重复享受); empty: none"
    )
    application = PolicyApplicationOutputSerializer(source="*")
    published_at = serializers.DateTimeField(allow_null=True)


class PolicySourceOutputSerializer(serializers.Serializer):
    ref = serializers.CharField(allow_null=True, required=False)
    title = serializers.CharField()
    url = serializers.CharField(allow_null=True, required=False)
    date = serializers.CharField(allow_null=True, required=False)
    quote = serializers.CharField(allow_null=True, required=False)


class PolicyDetailOutputSerializer(PolicyOutputSerializer):
    rule = serializers.JSONField(help_text="the eligibility rule (grammar: design §4)")
    rule_text = serializers.SerializerMethodField()
    dates_note = serializers.CharField()
    sources = PolicySourceOutputSerializer(many=True)
    confidence = serializers.ChoiceField(choices=Confidence.choices)
    confidence_note = serializers.CharField()
    manual_checks = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_rule_text(self, version: Any) -> list[str]:
        """The rule as indented sentences, in the request's language."""
        return render_rule(parse(version.rule), request_language())

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_manual_checks(self, version: Any) -> list[str]:
        key = "en" if request_language() == "en" else "zh-hans"
        return [check.get(key) or check.get("zh-hans", "") for check in version.manual_checks]
