"""POST /api/v1/match/compare/: a profile, some changes to it, both answers (nothing stored)."""

from __future__ import annotations

from typing import Any, cast

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from policy_match.advice.compare import ProfileChange
from policy_match.profile import Profile
from policy_match.rules import FACTS, Subject

from .advice import FactValueField, ReasonOutputSerializer
from .facts import money_field
from .matching import MatchSubjectOutputSerializer, MatchSummaryOutputSerializer
from .profile_input import MatchInputSerializer, parse_iso_date, validate_profile

MAX_CHANGES = 50


class CompareChangeInputSerializer(serializers.Serializer):
    fact = serializers.CharField(help_text="a fact of GET /facts/ that a profile may give")
    ref = serializers.CharField(
        required=False,
        allow_null=True,
        help_text="the person or loan (by ref); none for the enterprise",
    )
    value = FactValueField(help_text="its new value, as /match/ takes it; null makes it unknown")


class CompareProfileInputSerializer(MatchInputSerializer):
    """The body of /match/ without its as_of (the comparison's date is given once, outside)."""

    as_of = None  # type: ignore[assignment]  # DRF: None removes the inherited field


class CompareInputSerializer(serializers.Serializer):
    """A /match/ profile and the answers to change in it."""

    as_of = serializers.DateField(required=False, allow_null=True)
    profile = CompareProfileInputSerializer(help_text="as the body of /match/, without as_of")
    changes = serializers.ListField(
        child=CompareChangeInputSerializer(), min_length=1, max_length=MAX_CHANGES
    )


def validate_compare_input(data: Any, *, language: str) -> tuple[Any, Profile, list[ProfileChange]]:
    """(as_of or None, the profile, the typed changes), or ValidationError keyed by path."""
    if not isinstance(data, dict):
        raise serializers.ValidationError({"": _("应为 JSON 对象")})
    errors: dict[str, str] = {
        key: _("未知的字段“%(name)s”") % {"name": key}
        for key in data
        if key not in ("as_of", "profile", "changes")
    }
    as_of = None
    if data.get("as_of") is not None:
        as_of = parse_iso_date(data["as_of"])
        if as_of is None:
            errors["as_of"] = _("应为日期（YYYY-MM-DD）")
    profile = Profile()
    raw = data.get("profile")
    if not isinstance(raw, dict):
        errors["profile"] = _("应为 JSON 对象")
        raw = {}
    elif "as_of" in raw:
        errors["profile.as_of"] = _("评估日期写在外层")
    else:
        try:
            profile = validate_profile(raw, language=language, as_of=as_of or timezone.localdate())
        except serializers.ValidationError as exc:
            detail = cast(dict[str, str], exc.detail)
            errors.update({f"profile.{path}": message for path, message in detail.items()})
    changes_raw = data.get("changes")
    changes: list[ProfileChange] = []
    if not isinstance(changes_raw, list) or not 1 <= len(changes_raw) <= MAX_CHANGES:
        errors["changes"] = _("应为 1 到 %(max)s 项的列表") % {"max": MAX_CHANGES}
    else:
        refs = {
            Subject.PERSON: {ref for ref, _values in profile.people},
            Subject.LOAN: {ref for ref, _values in profile.loans},
        }
        for index, item in enumerate(changes_raw):
            change = _change(item, f"changes[{index}]", refs, raw, language, errors)
            if change is not None:
                changes.append(change)
    if errors:
        raise serializers.ValidationError(errors)
    return as_of, profile, changes


def _change(
    item: Any,
    path: str,
    refs: dict[Subject, set[str]],
    raw_profile: dict[str, Any],
    language: str,
    errors: dict[str, str],
) -> ProfileChange | None:
    if not isinstance(item, dict) or set(item) - {"fact", "ref", "value"} or "fact" not in item:
        errors[path] = _("应为 {fact, ref, value}")
        return None
    fact = FACTS.get(item["fact"]) if isinstance(item["fact"], str) else None
    if fact is None or (fact.derived and not fact.accepts_input):
        errors[f"{path}.fact"] = _("不是可以填写的事实")
        return None
    ref = item.get("ref")
    if fact.subject is Subject.ENTERPRISE:
        if ref is not None:
            errors[f"{path}.ref"] = _("企业的事实不带 ref")
            return None
    elif ref not in refs[fact.subject]:
        errors[f"{path}.ref"] = _("资料中没有这个编号的人员或贷款")
        return None
    if "value" not in item:
        errors[f"{path}.value"] = _("缺少 value")
        return None
    value = item["value"]
    if value is None:
        return ProfileChange(fact.name, fact.subject, ref, None)
    # The value is checked exactly as in a /match/ body: the wire form, then the profile's rules.
    key = {Subject.ENTERPRISE: "enterprise", Subject.PERSON: "people", Subject.LOAN: "loans"}
    body: dict[str, Any] = (
        {"enterprise": {fact.name: value}}
        if fact.subject is Subject.ENTERPRISE
        else {key[fact.subject]: [{"ref": ref, fact.name: value}]}
    )
    try:
        checked = validate_profile(body, language=language, as_of=timezone.localdate())
    except serializers.ValidationError as exc:
        detail = cast(dict[str, str], exc.detail)
        errors[f"{path}.value"] = " ".join(str(message) for message in detail.values())
        return None
    values = (
        checked.enterprise
        if fact.subject is Subject.ENTERPRISE
        else ((checked.people or checked.loans)[0][1])
    )
    return ProfileChange(fact.name, fact.subject, ref, values.get(fact.name))


class CompareLineOutputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["eligible", "ineligible", "undetermined"])
    amount = money_field(allow_null=True)


class CompareDifferenceOutputSerializer(serializers.Serializer):
    policy = serializers.SlugField()
    name = serializers.CharField()
    subject = MatchSubjectOutputSerializer()
    before = CompareLineOutputSerializer(allow_null=True)
    after = CompareLineOutputSerializer(allow_null=True)
    reasons = ReasonOutputSerializer(many=True, help_text="after the changes")


class CompareOutputSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    before = MatchSummaryOutputSerializer()
    after = MatchSummaryOutputSerializer()
    changed = CompareDifferenceOutputSerializer(
        many=True, help_text="lines whose status or amount differ"
    )
