"""REST endpoints of a partner's own enterprises and their stored matches.

Every query starts from the caller's partner, so another partner's enterprise is simply not
found (404, not 403: its existence is not revealed).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from policy_match.api import LANGUAGE_PARAMETER, errors
from policy_match.api_support import LanguageMixin, request_language, request_partner
from policy_match.models import Match, MatchStatus
from policy_match.selectors import match_list_for_enterprise
from policy_match.services import match_enterprise

from .models import Enterprise, Partner
from .selectors import enterprise_profile
from .serializers import (
    EnterpriseInputSerializer,
    EnterpriseMatchOutputSerializer,
    EnterpriseOutputSerializer,
    profile_as_data,
)
from .services import enterprise_save_profile

ID_PARAMETER = OpenApiParameter("id", int, OpenApiParameter.PATH, description="enterprise id")


def _scoped(request: Request) -> QuerySet[Enterprise]:
    queryset = Enterprise.objects.prefetch_related("people", "loans").order_by("id")
    partner = request_partner(request)
    # A staff session (browsable API) sees every enterprise, as in the admin.
    return queryset if partner is None else queryset.filter(partner=partner)


@transaction.atomic
def _save_and_match(
    *, data: dict[str, Any], partner: Partner | None, enterprise: Enterprise | None
) -> Enterprise:
    """Save the profile and store its matches in one transaction: a partner reading
    /matches/ right after a write sees results for what it wrote, and nothing is stored when
    anything fails. Synchronous rather than a Celery task: partner enterprises have no owner
    to notify, and matching one enterprise takes milliseconds."""
    try:
        saved = enterprise_save_profile(
            profile=data["profile"],
            name=data.get("name", enterprise.name if enterprise else ""),
            name_en=data.get("name_en", enterprise.name_en if enterprise else ""),
            credit_code=data.get("credit_code", enterprise.credit_code if enterprise else None),
            partner=partner,
            enterprise=enterprise,
        )
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.message_dict) from exc
    except IntegrityError as exc:  # a concurrent save by this partner took the same code
        raise serializers.ValidationError(
            {"credit_code": _("已有企业使用此统一社会信用代码")}
        ) from exc
    match_enterprise(enterprise=saved)
    return saved


def _output(request: Request, enterprise: Enterprise) -> dict[str, Any]:
    return EnterpriseOutputSerializer(_scoped(request).get(pk=enterprise.pk)).data


@extend_schema_view(
    get=extend_schema(
        operation_id="enterprises_list",
        summary="Your enterprises",
        description="The enterprises stored by your partner key, a page at a time.",
        parameters=[LANGUAGE_PARAMETER],
        responses={200: EnterpriseOutputSerializer(many=True), **errors(400, 401, 403, 404, 429)},
    )
)
class EnterpriseListCreateApi(LanguageMixin, ListAPIView):
    serializer_class = EnterpriseOutputSerializer

    def get_queryset(self) -> QuerySet[Enterprise]:
        return _scoped(self.request)

    @extend_schema(
        operation_id="enterprises_create",
        summary="Store an enterprise (its matches are computed and stored at once)",
        description=(
            "The body is a /match/ profile (enterprise, people, loans) plus name, name_en and "
            "credit_code. Its results are at /enterprises/{id}/matches/ as soon as this returns."
        ),
        parameters=[LANGUAGE_PARAMETER],
        request=EnterpriseInputSerializer,
        responses={201: EnterpriseOutputSerializer, **errors(400, 401, 403, 413, 415, 429)},
    )
    def post(self, request: Request, **kwargs: Any) -> Response:
        serializer = EnterpriseInputSerializer(
            data=request.data, context={"language": request_language()}
        )
        serializer.is_valid(raise_exception=True)
        enterprise = _save_and_match(
            data=serializer.validated_data, partner=request_partner(request), enterprise=None
        )
        return Response(_output(request, enterprise), status=status.HTTP_201_CREATED)


class EnterpriseDetailApi(LanguageMixin, APIView):
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def _get(self, request: Request) -> Enterprise:
        return get_object_or_404(_scoped(request), pk=self.kwargs["id"])

    @extend_schema(
        operation_id="enterprises_retrieve",
        summary="One of your enterprises",
        description="Another partner's enterprise is a 404.",
        parameters=[LANGUAGE_PARAMETER, ID_PARAMETER],
        responses={200: EnterpriseOutputSerializer, **errors(401, 403, 404, 429)},
    )
    def get(self, request: Request, **kwargs: Any) -> Response:
        return Response(EnterpriseOutputSerializer(self._get(request)).data)

    @extend_schema(
        operation_id="enterprises_partial_update",
        summary="Change an enterprise (its matches are recomputed at once)",
        description=(
            "Only what is sent changes: enterprise facts are merged (null makes a fact unknown); "
            "`people` or `loans`, when sent, replace the whole list."
        ),
        parameters=[LANGUAGE_PARAMETER, ID_PARAMETER],
        request=EnterpriseInputSerializer(partial=True),
        responses={200: EnterpriseOutputSerializer, **errors(400, 401, 403, 404, 413, 415, 429)},
    )
    def patch(self, request: Request, **kwargs: Any) -> Response:
        enterprise = self._get(request)
        base = profile_as_data(enterprise_profile(enterprise=enterprise))
        serializer = EnterpriseInputSerializer(
            data=request.data,
            partial=True,
            context={"language": request_language(), "base": base},
        )
        serializer.is_valid(raise_exception=True)
        saved = _save_and_match(data=serializer.validated_data, partner=None, enterprise=enterprise)
        return Response(_output(request, saved))

    @extend_schema(
        operation_id="enterprises_destroy",
        summary="Delete an enterprise with its people, loans and results",
        description="Another partner's enterprise is a 404.",
        parameters=[LANGUAGE_PARAMETER, ID_PARAMETER],
        responses={204: None, **errors(401, 403, 404, 429)},
    )
    def delete(self, request: Request, **kwargs: Any) -> Response:
        # Its people, loans and matches go with it (on_delete=CASCADE); history keeps a record.
        self._get(request).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


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

    def get_queryset(self) -> QuerySet[Match]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request kwargs
            return Match.objects.none()
        enterprise = get_object_or_404(_scoped(self.request), pk=self.kwargs["id"])
        return match_list_for_enterprise(enterprise=enterprise)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "language": request_language()}
