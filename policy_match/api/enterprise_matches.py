"""REST endpoints of the stored matches of a partner's enterprise: the list of results and
the decision record of one. The enterprise is looked up as in enterprises (scoped to the
caller's partner: another partner's enterprise is a 404).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from enterprises.models import Enterprise
from policy_match.api.language import LanguageMixin, request_language
from policy_match.api.schema import LANGUAGE_PARAMETER, errors
from policy_match.models import Match, MatchStatus
from policy_match.records import record_report
from policy_match.selectors import match_changes, match_list_for_enterprise, match_records

from .enterprises import ID_PARAMETER, enterprises_scoped
from .serializers.enterprises import (
    EnterpriseMatchOutputSerializer,
    EnterpriseMatchRecordOutputSerializer,
)


class EnterpriseMatchFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=MatchStatus.choices)

    class Meta:
        model = Match
        fields = ["status"]


@extend_schema_view(
    get=extend_schema(
        operation_id="enterprises_matches_list",
        summary="Stored results of one enterprise",
        description=(
            "The results stored when the enterprise was last saved or a measure was "
            "re-published; `?status=` filters them."
        ),
        parameters=[LANGUAGE_PARAMETER, ID_PARAMETER],
        responses={
            200: EnterpriseMatchOutputSerializer(many=True),
            **errors(400, 401, 403, 404, 429),
        },
    )
)
class EnterpriseMatchListApi(LanguageMixin, ListAPIView):
    serializer_class = EnterpriseMatchOutputSerializer
    filterset_class = EnterpriseMatchFilter
    staff_models = (Enterprise, Match)

    def get_queryset(self) -> QuerySet[Match]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request kwargs
            return Match.objects.none()
        enterprise = get_object_or_404(enterprises_scoped(self.request), pk=self.kwargs["id"])
        return match_list_for_enterprise(enterprise=enterprise)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "language": request_language()}


SLUG_PARAMETER = OpenApiParameter(
    "policy",
    {"type": "string", "maxLength": 80, "pattern": r"^[-a-zA-Z0-9_]+$"},
    OpenApiParameter.PATH,
    description="the measure's slug",
)


@extend_schema_view(
    get=extend_schema(
        operation_id="enterprises_matches_retrieve",
        summary="What decided one stored result: the decision record",
        description=(
            "For each subject (the enterprise, or each person or loan), the version and date "
            "that decided the stored result, the values it read, a reason per condition "
            "rendered from the stored outcomes and values (not from today's profile), the "
            "formula's inputs and amount; and the changes of this result, newest first. "
            "404 if nothing is stored for this measure."
        ),
        parameters=[LANGUAGE_PARAMETER, ID_PARAMETER, SLUG_PARAMETER],
        responses={200: EnterpriseMatchRecordOutputSerializer, **errors(400, 401, 403, 404, 429)},
    )
)
class EnterpriseMatchDetailApi(LanguageMixin, APIView):
    staff_models = (Enterprise, Match)

    def get(self, request: Request, **kwargs: Any) -> Response:
        enterprise = get_object_or_404(enterprises_scoped(request), pk=self.kwargs["id"])
        matches = list(match_records(enterprise=enterprise, slug=self.kwargs["policy"]))
        if not matches:
            raise NotFound()
        language = request_language()
        changes = match_changes(enterprise=enterprise, policy_id=matches[0].policy_id)[:100]
        return Response(
            {
                "policy": matches[0].policy.slug,
                "name": matches[0].version.name,
                "results": [record_report(match=m, language=language) for m in matches],
                "changes": [
                    {
                        "at": change.at,
                        "cause": change.cause,
                        "subject": {"type": change.subject_type, "ref": change.subject_ref or None},
                        "from_status": change.from_status,
                        "to_status": change.to_status,
                        "from_amount": _money(change.from_amount),
                        "to_amount": _money(change.to_amount),
                    }
                    for change in changes
                ],
            }
        )


def _money(value: Any) -> str | None:
    return None if value is None else str(value)
