"""What every operation's OpenAPI documentation shares: the language header, the key scheme,
the error responses, schema post-processing and the enums named once."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from policy_match.rules import FACTS, Kind

from .keys import PartnerKeyAuthentication
from .serializers.matching import ErrorOutputSerializer

# Not an enum: like any Accept-Language, a tag we do not serve (fr, *) falls back to zh-hans.
LANGUAGE_PARAMETER = OpenApiParameter(
    "Accept-Language",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "zh-hans (default) or en (en-US, en-GB … too): the language of every human-readable "
        "string · 返回文字的语言"
    ),
)


class PartnerKeyScheme(OpenApiAuthenticationExtension):
    target_class = PartnerKeyAuthentication
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Authorization: Api-Key <key> (from the admin or create_api_key)",
        }


_ERROR_MEANINGS = {
    400: "invalid input: `errors` names each field path (code invalid, parse_error)",
    401: "no API key, or an unknown, revoked or expired one",
    403: "signed in, but neither staff nor a partner key, or staff without the admin's "
    "permission for this (code permission_denied)",
    404: "no such object, or another partner's",
    409: "conflicts with what is stored: the line already has a record, the status cannot "
    "follow the current one, or the partner has its 10 webhook endpoints (code conflict)",
    411: "a chunked body the server could not read: send Content-Length (code length_required)",
    412: "If-Match names a revision the enterprise is no longer at (code precondition_failed)",
    413: "body larger than the limit (code payload_too_large)",
    415: "the body is not application/json",
    429: "too many requests for this key: wait Retry-After seconds (code throttled)",
}


def forbid_unknown_request_fields(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular post-processing: request bodies refuse unknown fields (they do: a
    misspelt fact is a 400 naming it), so the schema says additionalProperties: false."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
    return result


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """The documented error responses of an operation (all in the one error shape)."""
    return {
        code: OpenApiResponse(ErrorOutputSerializer, description=_ERROR_MEANINGS[code])
        for code in codes
    }


def fact_kinds() -> list[str]:
    """The values of a fact's `type` (ENUM_NAME_OVERRIDES)."""
    return [kind.value for kind in Kind]


def district_choices() -> list[tuple[str, str]]:
    """One OpenAPI enum for the two district facts (ENUM_NAME_OVERRIDES)."""
    language = get_language()
    return [(c.code, c.label.get(language)) for c in FACTS["registered_district"].choices]
