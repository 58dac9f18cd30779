"""REST endpoints of an enterprise's application records: what it did about each measure
(applied, awarded, paid, rejected), with history. Scoped like the enterprise endpoints: another
partner's enterprise is not found; a staff session needs the admin's permissions."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from enterprises.models import Enterprise
from policy_match.applications import (
    ApplicationConflict,
    ApplicationError,
    Line,
    application_history,
    application_line,
    application_save,
)
from policy_match.models import Application

from .enterprises import ID_PARAMETER, enterprises_scoped
from .errors import Conflict
from .language import LanguageMixin
from .schema import LANGUAGE_PARAMETER, errors
from .serializers.applications import (
    ApplicationCreateInputSerializer,
    ApplicationOutputSerializer,
    ApplicationUpdateInputSerializer,
    application_input,
    application_json,
)

APPLICATION_PARAMETER = OpenApiParameter(
    "application",
    {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
    OpenApiParameter.PATH,
    description="the application record's id",
)


def _refused(exc: ApplicationError) -> APIException:
    if isinstance(exc, ApplicationConflict):
        return Conflict(detail=exc.errors)
    return serializers.ValidationError(exc.errors)


def _enterprise(request: Request, pk: int) -> Enterprise:
    return get_object_or_404(enterprises_scoped(request), pk=pk)


def _by(request: Request) -> Any:
    return request.user if request.user and request.user.is_authenticated else None


def _output(application: Application, *, history: bool) -> dict[str, Any]:
    states = application_history(application=application) if history else None
    return application_json(application, states)


def _queryset(enterprise: Enterprise) -> QuerySet[Application]:
    return (
        Application.objects.filter(enterprise=enterprise)
        .select_related("policy__current_version", "enterprise")
        .order_by("policy__slug", "subject_ref")
    )


@extend_schema_view(
    get=extend_schema(
        operation_id="enterprises_applications_list",
        summary="The enterprise's application records",
        parameters=[LANGUAGE_PARAMETER, ID_PARAMETER],
        responses={200: ApplicationOutputSerializer(many=True), **errors(400, 401, 403, 404, 429)},
    )
)
class ApplicationListCreateApi(LanguageMixin, ListAPIView):
    serializer_class = ApplicationOutputSerializer
    staff_models = (Application, Enterprise)

    def get_queryset(self) -> QuerySet[Application]:
        if getattr(self, "swagger_fake_view", False):
            return Application.objects.none()
        return _queryset(_enterprise(self.request, self.kwargs["id"]))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        return self.get_paginated_response([_output(a, history=False) for a in page])

    @extend_schema(
        operation_id="enterprises_applications_create",
        summary="Record what the enterprise did about a measure",
        description=(
            "The line is the measure (`policy`) and, for measures of people or loans, the "
            "subject's ref. A line has one record: 409 if it has one (PATCH it instead)."
        ),
        parameters=[LANGUAGE_PARAMETER, ID_PARAMETER],
        request=ApplicationCreateInputSerializer,
        responses={
            201: ApplicationOutputSerializer,
            **errors(400, 401, 403, 404, 409, 411, 413, 415, 429),
        },
    )
    def post(self, request: Request, **kwargs: Any) -> Response:
        enterprise = _enterprise(request, kwargs["id"])
        values = application_input(request.data, create=True)
        try:
            line = application_line(
                enterprise=enterprise,
                policy_slug=values.pop("policy"),
                subject_ref=values.pop("subject", None),
            )
            application, _created = application_save(
                enterprise=enterprise,
                line=line,
                status=values.pop("status"),
                values=values,
                by=_by(request),
                today=timezone.localdate(),
                create_only=True,
            )
        except ApplicationError as exc:
            raise _refused(exc) from None
        return Response(_output(application, history=True), status=status.HTTP_201_CREATED)


class ApplicationDetailApi(LanguageMixin, APIView):
    staff_models = (Application, Enterprise)

    def _get(self, request: Request, kwargs: dict[str, Any]) -> Application:
        enterprise = _enterprise(request, kwargs["id"])
        return get_object_or_404(_queryset(enterprise), pk=kwargs["application"])

    @extend_schema(
        operation_id="enterprises_applications_retrieve",
        summary="One application record, with its history",
        parameters=[LANGUAGE_PARAMETER, ID_PARAMETER, APPLICATION_PARAMETER],
        responses={200: ApplicationOutputSerializer, **errors(400, 401, 403, 404, 429)},
    )
    def get(self, request: Request, **kwargs: Any) -> Response:
        return Response(_output(self._get(request, kwargs), history=True))

    @extend_schema(
        operation_id="enterprises_applications_partial_update",
        summary="Move a record on: awarded, paid, rejected, applied again",
        description=(
            "Values the new status states and the request leaves out are kept (an award keeps "
            "its application date); values it does not state are refused. 409 if the status "
            "cannot follow the current one (paid is final)."
        ),
        parameters=[LANGUAGE_PARAMETER, ID_PARAMETER, APPLICATION_PARAMETER],
        request=ApplicationUpdateInputSerializer,
        responses={
            200: ApplicationOutputSerializer,
            **errors(400, 401, 403, 404, 409, 411, 413, 415, 429),
        },
    )
    def patch(self, request: Request, **kwargs: Any) -> Response:
        application = self._get(request, kwargs)
        values = application_input(request.data, create=False)
        line = Line(
            policy=application.policy,
            subject_type=application.subject_type,
            subject_id=application.subject_id,
            subject_ref=application.subject_ref,
        )
        try:
            saved, _created = application_save(
                enterprise=application.enterprise,
                line=line,
                status=values.pop("status"),
                values=values,
                by=_by(request),
                today=timezone.localdate(),
            )
        except ApplicationError as exc:
            raise _refused(exc) from None
        return Response(_output(_queryset(saved.enterprise).get(pk=saved.pk), history=True))
