"""REST endpoints of a partner's webhook endpoints and their deliveries (design §14).

A partner sees only its own endpoints (another's is not found); a staff session sees every
one with the admin's permissions, and registers endpoints in the admin (it has no partner of
its own to register them for)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from policy_match.models import WebhookDelivery, WebhookEndpoint
from policy_match.webhooks.endpoints import (
    EndpointError,
    EndpointLimit,
    endpoint_create,
    endpoint_disable,
    endpoint_update,
)

from .errors import Conflict
from .keys import request_partner
from .language import LanguageMixin
from .schema import LANGUAGE_PARAMETER, errors
from .serializers.webhooks import (
    DeliveryOutputSerializer,
    WebhookCreatedOutputSerializer,
    WebhookInputSerializer,
    WebhookOutputSerializer,
    delivery_json,
    webhook_input,
    webhook_json,
)

ID_PARAMETER = OpenApiParameter(
    "id",
    {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
    OpenApiParameter.PATH,
    description="the endpoint's id",
)


def _scoped(request: Request) -> QuerySet[WebhookEndpoint]:
    partner = request_partner(request)
    endpoints = WebhookEndpoint.objects.order_by("id")
    return endpoints if partner is None else endpoints.filter(partner=partner)


@extend_schema_view(
    get=extend_schema(
        operation_id="webhooks_list",
        summary="Your webhook endpoints",
        parameters=[LANGUAGE_PARAMETER],
        responses={200: WebhookOutputSerializer(many=True), **errors(400, 401, 403, 404, 429)},
    )
)
class WebhookListCreateApi(LanguageMixin, ListAPIView):
    serializer_class = WebhookOutputSerializer
    staff_models = (WebhookEndpoint,)

    def get_queryset(self) -> QuerySet[WebhookEndpoint]:
        return _scoped(self.request)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        return self.get_paginated_response([webhook_json(e) for e in page])

    @extend_schema(
        operation_id="webhooks_create",
        summary="Register an endpoint; the answer holds its signing secret, shown only once",
        description=(
            "Events (match.gained, match.lost, match.amount_changed, window.closing, "
            "application.updated) are POSTed as JSON {type, timestamp, data}, signed per "
            "Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature headers), "
            "retried with exponential backoff for 24 hours; any 2xx answer counts as received. "
            "An endpoint failing for 24 hours is disabled and your contact e-mail told."
        ),
        parameters=[LANGUAGE_PARAMETER],
        request=WebhookInputSerializer,
        responses={
            201: WebhookCreatedOutputSerializer,
            **errors(400, 401, 403, 409, 411, 413, 415, 429),
        },
    )
    def post(self, request: Request, **kwargs: Any) -> Response:
        partner = request_partner(request)
        if partner is None:
            raise PermissionDenied()
        values = webhook_input(request.data, create=True)
        try:
            endpoint, secret = endpoint_create(
                partner=partner,
                url=values["url"],
                event_types=values.get("event_types"),
                description=values.get("description", ""),
            )
            if "is_active" in values:  # registered paused, to be switched on later
                endpoint = endpoint_update(
                    endpoint=endpoint, changes={"is_active": values["is_active"]}
                )
        except EndpointLimit as exc:
            raise Conflict(detail=exc.errors) from None
        except EndpointError as exc:
            raise serializers.ValidationError(exc.errors) from None
        return Response(webhook_json(endpoint, secret), status=status.HTTP_201_CREATED)


class WebhookDetailApi(LanguageMixin, APIView):
    staff_models = (WebhookEndpoint,)

    def _get(self, request: Request, pk: int) -> WebhookEndpoint:
        return get_object_or_404(_scoped(request), pk=pk)

    @extend_schema(
        operation_id="webhooks_retrieve",
        summary="One endpoint",
        parameters=[LANGUAGE_PARAMETER, ID_PARAMETER],
        responses={200: WebhookOutputSerializer, **errors(400, 401, 403, 404, 429)},
    )
    def get(self, request: Request, **kwargs: Any) -> Response:
        return Response(webhook_json(self._get(request, kwargs["id"])))

    @extend_schema(
        operation_id="webhooks_partial_update",
        summary="Change an endpoint's URL, event types or description; pause or re-enable it",
        parameters=[LANGUAGE_PARAMETER, ID_PARAMETER],
        request=WebhookInputSerializer,
        responses={
            200: WebhookOutputSerializer,
            **errors(400, 401, 403, 404, 411, 413, 415, 429),
        },
    )
    def patch(self, request: Request, **kwargs: Any) -> Response:
        endpoint = self._get(request, kwargs["id"])
        values = webhook_input(request.data, create=False)
        try:
            if values.get("is_active") is False and endpoint.is_active:
                endpoint_disable(endpoint=endpoint, now=timezone.now())
                endpoint.refresh_from_db()
                values.pop("is_active")
            endpoint = endpoint_update(endpoint=endpoint, changes=values)
        except EndpointError as exc:
            raise serializers.ValidationError(exc.errors) from None
        return Response(webhook_json(endpoint))

    @extend_schema(
        operation_id="webhooks_destroy",
        summary="Remove an endpoint (and its delivery log)",
        parameters=[LANGUAGE_PARAMETER, ID_PARAMETER],
        responses={204: None, **errors(400, 401, 403, 404, 429)},
    )
    def delete(self, request: Request, **kwargs: Any) -> Response:
        self._get(request, kwargs["id"]).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    get=extend_schema(
        operation_id="webhooks_deliveries_list",
        summary="An endpoint's deliveries, newest first, with every attempt",
        parameters=[LANGUAGE_PARAMETER, ID_PARAMETER],
        responses={200: DeliveryOutputSerializer(many=True), **errors(400, 401, 403, 404, 429)},
    )
)
class WebhookDeliveryListApi(LanguageMixin, ListAPIView):
    serializer_class = DeliveryOutputSerializer
    staff_models = (WebhookEndpoint, WebhookDelivery)

    def get_queryset(self) -> QuerySet[WebhookDelivery]:
        if getattr(self, "swagger_fake_view", False):
            return WebhookDelivery.objects.none()
        endpoint = get_object_or_404(_scoped(self.request), pk=self.kwargs["id"])
        return (
            WebhookDelivery.objects.filter(endpoint=endpoint)
            .select_related("event")
            .prefetch_related("tries")
            .order_by("-id")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        return self.get_paginated_response([delivery_json(d) for d in page])
