"""Response serializers of the match and facts endpoints, and of the partner and the one
error shape. They only document the shape: /match/ builds its response as plain data
(design §10). The request side is in serializers.facts and serializers.profile_input.
"""

from __future__ import annotations

from rest_framework import serializers

from policies.models import Category, SubjectType
from policy_match.models import MatchStatus
from policy_match.rules import Kind

from .advice import (
    AskNextOutputSerializer,
    LineAdviceFields,
    ReasonOutputSerializer,
    WithinReachOutputSerializer,
)
from .facts import money_field


class MatchSubjectOutputSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=SubjectType.choices)
    ref = serializers.CharField(allow_null=True, help_text="null for an enterprise measure")


MatchReasonOutputSerializer = ReasonOutputSerializer


class MissingFactOutputSerializer(serializers.Serializer):
    fact = serializers.CharField(help_text="a fact name of GET /facts/")
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label


class MatchResultOutputSerializer(LineAdviceFields):
    policy = serializers.SlugField(help_text="the measure's slug (GET /policies/{slug}/)")
    name = serializers.CharField()
    category = serializers.ChoiceField(choices=Category.choices)
    status = serializers.ChoiceField(choices=MatchStatus.choices)
    subject = MatchSubjectOutputSerializer()
    amount = money_field(allow_null=True, help_text="yuan; null when it cannot be known yet")
    amount_note = serializers.CharField(allow_blank=True)
    reasons = MatchReasonOutputSerializer(many=True)
    missing = MissingFactOutputSerializer(many=True)


class MatchSummaryOutputSerializer(serializers.Serializer):
    eligible = serializers.IntegerField(min_value=0)
    ineligible = serializers.IntegerField(min_value=0)
    undetermined = serializers.IntegerField(min_value=0)
    total_amount = money_field()
    could_unlock_amount = money_field()
    entitled_amount = money_field(help_text="of total_amount: what meeting the conditions gives")
    competitive_amount = money_field(help_text="of total_amount: maxima awarded by selection")
    within_reach = WithinReachOutputSerializer(many=True)
    ask_next = AskNextOutputSerializer(many=True)


class MatchOutputSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    summary = MatchSummaryOutputSerializer()
    results = MatchResultOutputSerializer(many=True)


class FactChoiceOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label


class FactOutputSerializer(serializers.Serializer):
    name = serializers.CharField()
    subject = serializers.ChoiceField(choices=SubjectType.choices)
    type = serializers.ChoiceField(choices=[kind.value for kind in Kind])
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    help = serializers.CharField()
    unit = serializers.CharField(allow_null=True)
    choices = FactChoiceOutputSerializer(many=True)
    open_choices = serializers.BooleanField(help_text="codes outside `choices` are accepted")
    derived = serializers.BooleanField(help_text="computed from `inputs`; not accepted as input")
    inputs = serializers.ListField(child=serializers.CharField())


class PartnerOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ErrorOutputSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="stable: invalid, not_authenticated, not_found …")
    detail = serializers.CharField(help_text="in the request's language")
    errors = serializers.DictField(  # type: ignore[assignment]  # a field, not .errors
        child=serializers.CharField(),
        required=False,
        help_text="validation only: message per field path, e.g. people[1].graduated_on",
    )
