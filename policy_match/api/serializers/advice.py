"""Response shapes of the advice (design §12): what a report line and summary say beside the
verdict. Documentation only: the responses are built as plain data (policy_match.advice)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from policies.models import AmountKind, Award, Confidence
from policy_match.rules import OUTCOME_NAMES

# A fact value as given to /match/: a decimal or date string, a number, a boolean, a code, or
# a list of codes (`in`), or [low, high] (`between`).
VALUE = {"oneOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"},
                   {"type": "array", "items": {}}], "nullable": True}  # fmt: skip


REF_HELP = "the person or loan; null: the enterprise"


@extend_schema_field(VALUE)
class FactValueField(serializers.JSONField):
    pass


class ReasonSourceOutputSerializer(serializers.Serializer):
    quote = serializers.CharField(
        allow_null=True, help_text="the source's own words, for a stated condition"
    )
    title = serializers.CharField(allow_null=True, help_text="the source a person can read")
    url = serializers.URLField(allow_null=True)


class ReasonOutputSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="a sentence, or a group's heading")
    outcome = serializers.ChoiceField(choices=sorted(OUTCOME_NAMES.values()))
    fact = serializers.CharField(allow_null=True, help_text="null for a group's heading")
    kind = serializers.ChoiceField(choices=["all", "any", "not", "condition"])
    depth = serializers.IntegerField(min_value=0, help_text="nesting: children follow a heading")
    alternative = serializers.BooleanField(
        help_text="a branch a satisfied `any` did not need: not a failure"
    )
    basis = serializers.ChoiceField(
        choices=Confidence.choices, allow_null=True, help_text="stated, derived or assumed"
    )
    note = serializers.CharField(
        allow_null=True, help_text="why a derived or assumed condition reads so"
    )
    source = ReasonSourceOutputSerializer(allow_null=True)  # type: ignore[assignment]


class ChangeTargetOutputSerializer(serializers.Serializer):
    op = serializers.CharField(help_text="an operator of the rule grammar (design §4)")
    value = FactValueField()


class ChangeOutputSerializer(serializers.Serializer):
    fact = serializers.CharField(help_text="a fact of GET /facts/")
    ref = serializers.CharField(
        allow_null=True, help_text="the person or loan; null: the enterprise"
    )
    current = FactValueField(help_text="its value now (null: not given)")
    target = ChangeTargetOutputSerializer()
    text = serializers.CharField(help_text="what to do, in the request's language")


class WithinReachOutputSerializer(ChangeOutputSerializer):
    unlocks = serializers.ListField(
        child=serializers.SlugField(), help_text="the measures this change alone makes eligible"
    )
    amount = serializers.DecimalField(
        max_digits=16, decimal_places=2, coerce_to_string=True, help_text="yuan they add"
    )


class AskNextOutputSerializer(serializers.Serializer):
    fact = serializers.CharField(help_text="a fact of GET /facts/")
    ref = serializers.CharField(
        allow_null=True, help_text="the person or loan; null: the enterprise"
    )
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    decides = serializers.ListField(child=serializers.SlugField())
    amount = serializers.DecimalField(
        max_digits=16, decimal_places=2, coerce_to_string=True, help_text="yuan it could settle"
    )


class WindowOutputSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=["open", "upcoming", "closed", "rolling", "unknown"])
    opens = serializers.DateField(allow_null=True)
    closes = serializers.DateField(allow_null=True, help_text="closed: the last round's end")
    days_left = serializers.IntegerField(
        allow_null=True, help_text="open: days until it closes; upcoming: until it opens"
    )
    text = serializers.CharField(help_text='e.g. "open now, closes in 12 days"')


class LineAdviceFields(serializers.Serializer):
    """Beside the verdict of a line (mixed into the result serializers)."""

    window = WindowOutputSerializer(help_text="the 申报窗口 on as_of (design §14)")
    documents = serializers.ListField(
        child=serializers.CharField(), help_text="documents asked for, where a source lists them"
    )
    award = serializers.ChoiceField(
        choices=Award.choices,
        help_text="entitled: meeting the conditions gives it; competitive: selected",
    )
    amount_kind = serializers.ChoiceField(
        choices=AmountKind.choices, help_text="exact: worked out; up_to: a published maximum"
    )
    confidence = serializers.ChoiceField(
        choices=Confidence.choices, help_text="the weakest basis that affects this result"
    )
    unlock = ChangeOutputSerializer(
        many=True,
        allow_null=True,
        help_text="the fewest actionable changes that make it eligible ([]: only questions "
        "remain; null: eligible, or blocked by what cannot be changed: see unlock_reason)",
    )
    unlock_amount = serializers.DecimalField(
        max_digits=16, decimal_places=2, coerce_to_string=True, allow_null=True
    )
    unlock_reason = serializers.CharField(allow_null=True)
