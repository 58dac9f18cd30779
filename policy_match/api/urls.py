"""REST API routes: /api/v1/… (URL path versioning: a v2 can live beside it), the OpenAPI
schema and its two readers, Swagger UI and ReDoc, served from local assets."""

from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from policy_match.api.enterprise_matches import EnterpriseMatchDetailApi, EnterpriseMatchListApi
from policy_match.api.enterprises import EnterpriseDetailApi, EnterpriseListCreateApi
from policy_match.api.policies import PolicyDetailApi, PolicyListApi

from .applications import ApplicationDetailApi, ApplicationListCreateApi
from .batch import MatchBatchApi
from .errors import api_not_found
from .matching import FactListApi, MatchCompareApi, MatchCreateApi, PartnerDetailApi, RedocApi
from .webhooks import WebhookDeliveryListApi, WebhookDetailApi, WebhookListCreateApi

v1: list[URLPattern | URLResolver] = [
    path("partner/", PartnerDetailApi.as_view(), name="partner"),
    path("facts/", FactListApi.as_view(), name="facts"),
    path("policies/", PolicyListApi.as_view(), name="policy-list"),
    path("policies/<slug:slug>/", PolicyDetailApi.as_view(), name="policy-detail"),
    path("match/", MatchCreateApi.as_view(), name="match"),
    path("match/compare/", MatchCompareApi.as_view(), name="match-compare"),
    path("match/batch/", MatchBatchApi.as_view(), name="match-batch"),
    path("enterprises/", EnterpriseListCreateApi.as_view(), name="enterprise-list"),
    path("enterprises/<int:id>/", EnterpriseDetailApi.as_view(), name="enterprise-detail"),
    path(
        "enterprises/<int:id>/matches/",
        EnterpriseMatchListApi.as_view(),
        name="enterprise-matches",
    ),
    path(
        "enterprises/<int:id>/matches/<slug:policy>/",
        EnterpriseMatchDetailApi.as_view(),
        name="enterprise-match-record",
    ),
    path(
        "enterprises/<int:id>/applications/",
        ApplicationListCreateApi.as_view(),
        name="enterprise-applications",
    ),
    path(
        "enterprises/<int:id>/applications/<int:application>/",
        ApplicationDetailApi.as_view(),
        name="enterprise-application",
    ),
    path("webhooks/", WebhookListCreateApi.as_view(), name="webhook-list"),
    path("webhooks/<int:id>/", WebhookDetailApi.as_view(), name="webhook-detail"),
    path(
        "webhooks/<int:id>/deliveries/",
        WebhookDeliveryListApi.as_view(),
        name="webhook-deliveries",
    ),
]

urlpatterns: list[URLPattern | URLResolver] = [
    # DRF's URLPathVersioning reads `version` (request.version); ALLOWED_VERSIONS lists it.
    re_path(r"^(?P<version>v1)/", include((v1, "api"), namespace="v1")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", RedocApi.as_view(url_name="api-schema"), name="api-redoc"),
    # Anything else under /api/ is a JSON 404 in the API's error shape.
    re_path(r"^(?P<path>[\s\S]*)$", api_not_found),  # [\s\S]: a path may hold a newline
]
