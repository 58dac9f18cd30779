"""POST /api/v1/match/batch/: up to MAX_PROFILES profiles, one answer each, in order."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import serializers

from policy_match.profile import Profile

from ..errors import error_body, error_paths
from .facts import NO_NUL_PATTERN, DocumentedField
from .matching import ErrorOutputSerializer, MatchOutputSerializer
from .profile_input import parse_iso_date, validate_profile

MAX_PROFILES = 100
MAX_REF = 40


# A profile is checked on its own and refused on its own (its item says why), so the schema
# asks of it only what the batch needs: an object with a ref. Its other keys are those of a
# /match/ body (MatchInput), without as_of.
PROFILE_SCHEMA = {
    "type": "object",
    "required": ["ref"],
    "properties": {
        "ref": {"type": "string", "minLength": 1, "maxLength": MAX_REF, "pattern": NO_NUL_PATTERN},
    },
    "additionalProperties": True,
    "description": "a /match/ body (enterprise, people, loans) without as_of, and your `ref`, "
    "unique in the batch",
}


class BatchInputSerializer(serializers.Serializer):
    as_of = serializers.DateField(
        required=False, allow_null=True, help_text="for every profile (absent or null: today)"
    )
    profiles = serializers.ListField(
        child=DocumentedField(schema=PROFILE_SCHEMA), min_length=1, max_length=MAX_PROFILES
    )


class BatchItemOutputSerializer(serializers.Serializer):
    ref = serializers.CharField()
    status = serializers.ChoiceField(
        choices=[(200, "matched"), (400, "refused")],
        help_text="200: `match` holds the answer; 400: `error` says what is wrong",
    )
    match = MatchOutputSerializer(required=False, help_text="as POST /match/ answers it")
    error = ErrorOutputSerializer(required=False)


class BatchOutputSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    results = BatchItemOutputSerializer(many=True, help_text="one per profile, in order")


def validate_batch(data: Any) -> tuple[date | None, list[tuple[str, Any]]]:
    """(as_of or None, [(ref, raw profile)]); ValidationError for the batch as a whole (a
    profile's own errors are its answer, not the batch's)."""
    if not isinstance(data, dict):
        raise serializers.ValidationError({"": _("应为 JSON 对象")})
    errors: dict[str, str] = {
        key: _("未知的字段“%(name)s”") % {"name": key}
        for key in data
        if key not in ("as_of", "profiles")
    }
    as_of = None
    if data.get("as_of") is not None:
        as_of = parse_iso_date(data["as_of"])
        if as_of is None:
            errors["as_of"] = _("应为日期（YYYY-MM-DD）")
    profiles = data.get("profiles")
    if not isinstance(profiles, list) or not 1 <= len(profiles) <= MAX_PROFILES:
        errors["profiles"] = _("应为 1 到 %(n)s 个企业信息的列表") % {"n": MAX_PROFILES}
        raise serializers.ValidationError(errors)
    items: list[tuple[str, Any]] = []
    seen: set[str] = set()
    subjects = 0
    for index, raw in enumerate(profiles):
        ref = raw.get("ref") if isinstance(raw, dict) else None
        if not isinstance(ref, str) or not ref or len(ref) > MAX_REF or "\x00" in ref:
            errors[f"profiles[{index}].ref"] = _("应为 1 到 40 个字符的编号")
        elif ref in seen:
            errors[f"profiles[{index}].ref"] = _("编号重复：每个企业信息的编号应不同")
        seen.add(str(ref))
        if isinstance(raw, dict):
            subjects += sum(
                len(v) for k in ("people", "loans") if isinstance(v := raw.get(k), list)
            )
        items.append((str(ref), raw))
    # The work of one request stays bounded: as many people and loans as one large profile
    # may have, per profile on average at most a fifth of it.
    limit = settings.API_MAX_SUBJECTS * MAX_PROFILES // 5
    if subjects > limit:
        errors["profiles"] = _("人员和贷款合计最多 %(n)s 项") % {"n": limit}
    if errors:
        raise serializers.ValidationError(errors)
    return as_of, items


def batch_profile(raw: Any, *, language: str, as_of: date) -> tuple[Profile | None, Any]:
    """(profile, None), or (None, the error body of this profile)."""
    if not isinstance(raw, dict):
        return None, _refused({"": _("应为 JSON 对象")})
    body = {key: value for key, value in raw.items() if key != "ref"}
    errors: dict[str, str] = {}
    if "as_of" in body:
        errors["as_of"] = _("评估日期写在外层")
        del body["as_of"]
    try:
        profile = validate_profile(body, language=language, as_of=as_of)
    except serializers.ValidationError as exc:
        errors.update(error_paths(cast(dict[str, Any], exc.detail)))
        profile = None
    if errors:
        return None, _refused(errors)
    return profile, None


def _refused(errors: dict[str, str]) -> dict[str, Any]:
    """The error body /match/ would answer for this profile alone."""
    return error_body("invalid", _("请求数据有误，请查看 errors"), dict(sorted(errors.items())))
