"""REST endpoints of the matching domain: the fact registry and matching a profile."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import format_html
from drf_spectacular.utils import OpenApiExample, extend_schema
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from policy_match.advice import advised_json
from policy_match.advice.compare import compare, comparison_json
from policy_match.rules import FACTS
from policy_match.services import match_profile

from .keys import request_catalogue, request_partner
from .language import LanguageMixin, request_language
from .schema import LANGUAGE_PARAMETER, errors
from .serializers.compare import (
    CompareInputSerializer,
    CompareOutputSerializer,
    validate_compare_input,
)
from .serializers.matching import (
    FactOutputSerializer,
    MatchOutputSerializer,
    PartnerOutputSerializer,
)
from .serializers.profile_input import MatchInputSerializer, validate_match_input


@cache
def _fact_list(language: str) -> list[dict[str, Any]]:
    return [
        {
            "name": fact.name,
            "subject": fact.subject.value,
            "type": fact.kind.value,
            "label": fact.label.get(language),
            "help": fact.help.get(language),
            "unit": fact.unit.get(language) if fact.unit else None,
            "choices": [{"code": c.code, "label": c.label.get(language)} for c in fact.choices],
            "open_choices": fact.open_choices,
            "derived": fact.derived,
            "inputs": list(fact.inputs),
        }
        for fact in FACTS.values()
    ]


class FactListApi(LanguageMixin, APIView):
    @extend_schema(
        operation_id="facts_list",
        summary="The fact registry: what a profile may say",
        description=(
            "Every fact a profile may give: its subject (enterprise, person, loan), type, unit, "
            "label and help, and for codes the choices. Derived facts are computed from their "
            "`inputs` and cannot be sent."
        ),
        parameters=[LANGUAGE_PARAMETER],
        responses={200: FactOutputSerializer(many=True), **errors(401, 403, 429)},
    )
    def get(self, request: Request, **kwargs: Any) -> Response:
        return Response(_fact_list(request_language()))


MATCH_REQUEST_EXAMPLE = {
    "as_of": "2026-11-23",
    "enterprise": {
        "registered_district": "nanshan",
        "registered_on": "2024-03-01",
        "industry": "robotics",
        "employee_count": 8,
    },
    "people": [{"ref": "p1", "degree": "master", "graduated_on": "2025-06-30"}],
    "loans": [{"ref": "l1", "product": "ip_pledge_loan", "amount": "3000000.00", "rate": "0.035"}],
}
# A real answer to MATCH_REQUEST_EXAMPLE (zh-hans), cut to one of its 34 result lines.
MATCH_RESPONSE_EXAMPLE: dict[str, Any] = {
    "as_of": "2026-11-23",
    "summary": {
        "eligible": 3,
        "ineligible": 7,
        "undetermined": 24,
        "total_amount": "0.00",
        "could_unlock_amount": "24650520.00",
    },
    "results": [
        {
            "policy": "talent-living-subsidy-master",
            "name": "新引进入户硕士毕业生生活补贴",
            "category": "talent",
            "status": "undetermined",
            "subject": {"type": "person", "ref": "p1"},
            "amount": "50000.00",
            "amount_note": "最高5万元（上限），实际金额可能更低",
            "reasons": [
                {"text": "最高学历：硕士；要求为 硕士 ✓", "outcome": "true", "fact": "degree"},
                {
                    "text": "缺少：户籍所在城市（要求为 深圳）",
                    "outcome": "unknown",
                    "fact": "hukou_city",
                },
                {
                    "text": "缺少：迁入深圳户籍日期（迁入深圳户籍年限要求少于 1 年）",
                    "outcome": "unknown",
                    "fact": "years_since_hukou_transfer",
                },
            ],
            "missing": [
                {"fact": "hukou_city", "label": "户籍所在城市"},
                {"fact": "hukou_district", "label": "户籍所在区（深圳）"},
                {"fact": "hukou_transferred_on", "label": "迁入深圳户籍日期"},
            ],
        }
    ],
}


class PartnerDetailApi(LanguageMixin, APIView):
    """Who the key belongs to: a partner's check that its key works (and the benchmark's
    floor: authentication and nothing else)."""

    @extend_schema(
        operation_id="partner_retrieve",
        summary="The partner your key belongs to",
        description="A cheap way to check a key. A staff session has no partner: 404.",
        parameters=[LANGUAGE_PARAMETER],
        responses={200: PartnerOutputSerializer, **errors(401, 403, 404, 429)},
    )
    def get(self, request: Request, **kwargs: Any) -> Response:
        partner = request_partner(request)
        if partner is None:
            raise NotFound()
        return Response({"id": partner.pk, "name": partner.name})


class MatchCreateApi(LanguageMixin, APIView):
    """The hot path (design §10): one query (the key, with the catalogue's stamp), no writes."""

    @extend_schema(
        operation_id="match_create",
        summary="Evaluate a profile against every published measure (stores nothing)",
        description=(
            "One result line per measure and subject (a person or loan measure gets a line per "
            "person or loan): eligible, ineligible or undetermined, with the money at stake, a "
            "reason per condition and the facts still missing. Every fact is optional: absent "
            "or null means unknown. Nothing is stored."
        ),
        parameters=[LANGUAGE_PARAMETER],
        request=MatchInputSerializer,
        responses={200: MatchOutputSerializer, **errors(400, 401, 403, 411, 413, 415, 429)},
        examples=[
            OpenApiExample(
                "Robotics start-up (design §7)", value=MATCH_REQUEST_EXAMPLE, request_only=True
            ),
            OpenApiExample(
                "Result (abbreviated)", value=MATCH_RESPONSE_EXAMPLE, response_only=True
            ),
        ],
    )
    def post(self, request: Request, **kwargs: Any) -> Response:
        language = request_language()
        data = request.data
        if isinstance(data, dict):
            as_of, profile = validate_match_input(data, language=language)
        else:  # JSON null, a list …: the serializer's own messages ("No data provided")
            serializer = MatchInputSerializer(data=data, context={"language": language})
            serializer.is_valid(raise_exception=True)
            as_of, profile = (serializer.validated_data[k] for k in ("as_of", "profile"))
        report = match_profile(
            profile=profile,
            as_of=as_of or timezone.localdate(),
            catalogue=request_catalogue(request),
        )
        # Plain data straight from the report: a serializer over every line would cost more
        # than the matching itself.
        return Response(advised_json(report, language))


class RedocApi(SpectacularRedocView):
    """ReDoc from the sidecar's local bundle, without the stock template's web-font links, so
    the page works offline and under our script-src 'self' policy (no inline script)."""

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        page = format_html(
            '<!DOCTYPE html><html><head><title>{}</title><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<link rel="icon" href="{}"><style>body {{ margin: 0; padding: 0; }}</style></head>'
            '<body><redoc spec-url="{}"></redoc><script src="{}"></script></body></html>',
            self.title or "ReDoc",
            SpectacularSwaggerView._swagger_ui_favicon(),
            self._get_schema_url(request),
            self._redoc_standalone(),
        )
        return HttpResponse(page)


class MatchCompareApi(LanguageMixin, APIView):
    """What if: a profile matched as it is and with some answers changed; nothing stored."""

    @extend_schema(
        operation_id="match_compare",
        summary="What if: the same profile with some answers changed (stores nothing)",
        description=(
            "Matches `profile` (a /match/ body) as it is and with `changes` applied (each sets "
            "one fact of the enterprise, or of the person or loan named by `ref`; null makes "
            "it unknown), and answers both summaries and the lines whose status or amount "
            "differ."
        ),
        parameters=[LANGUAGE_PARAMETER],
        request=CompareInputSerializer,
        responses={200: CompareOutputSerializer, **errors(400, 401, 403, 411, 413, 415, 429)},
    )
    def post(self, request: Request, **kwargs: Any) -> Response:
        language = request_language()
        as_of, profile, changes = validate_compare_input(request.data, language=language)
        comparison = compare(
            profile=profile,
            changes=changes,
            as_of=as_of or timezone.localdate(),
            catalogue=request_catalogue(request),
        )
        return Response(comparison_json(comparison, language))
