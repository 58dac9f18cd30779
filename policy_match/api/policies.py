"""REST endpoints of the published catalogue: list (filtered, paginated) and detail."""

from __future__ import annotations

from datetime import date

import django_filters
from django.db.models import F, Q, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.generics import ListAPIView, RetrieveAPIView

from policies.models import Category, Jurisdiction, PolicyVersion, SubjectType, VersionStatus
from policies.versions import in_force_q
from policy_match.api.language import LanguageMixin
from policy_match.api.schema import LANGUAGE_PARAMETER, errors

from .serializers.policies import PolicyDetailOutputSerializer, PolicyOutputSerializer

# No NUL anywhere, and at least one character that is not whitespace as str.isspace() has it.
_SPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
SEARCH_PATTERN = rf"^[^\x00]*[^\x00{_SPACE}][^\x00]*$"


def _published() -> QuerySet[PolicyVersion]:
    return (
        PolicyVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .select_related("policy")
        .order_by("policy__category", "policy__slug")
    )


def _current() -> QuerySet[PolicyVersion]:
    """One version a measure: its current (latest) published version."""
    return _published().filter(pk=F("policy__current_version_id"))


class PolicyFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(field_name="policy__category", choices=Category.choices)
    subject = django_filters.ChoiceFilter(field_name="policy__subject", choices=SubjectType.choices)
    jurisdiction = django_filters.ChoiceFilter(choices=Jurisdiction.choices)
    active_on = django_filters.DateFilter(
        method="filter_active_on",
        help_text="the version of each measure in force on this date (YYYY-MM-DD); without it, "
        "each measure's current (latest) version",
    )
    q = django_filters.CharFilter(
        method="filter_q", max_length=100, help_text="text in the name, summary or slug"
    )

    class Meta:
        model = PolicyVersion
        fields = ["category", "subject", "jurisdiction", "active_on", "q"]

    def filter_active_on(
        self, queryset: QuerySet[PolicyVersion], name: str, value: date
    ) -> QuerySet[PolicyVersion]:
        return queryset.filter(in_force_q(value))

    def filter_q(
        self, queryset: QuerySet[PolicyVersion], name: str, value: str
    ) -> QuerySet[PolicyVersion]:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(name_zh_hans__icontains=text)
            | Q(name_en__icontains=text)
            | Q(summary_zh_hans__icontains=text)
            | Q(summary_en__icontains=text)
            | Q(policy__slug__icontains=text)
        )


@extend_schema_view(
    get=extend_schema(
        operation_id="policies_list",
        summary="Published measures",
        description="The measures currently published, filtered and a page at a time.",
        parameters=[
            LANGUAGE_PARAMETER,
            # As enforced: at most 100 characters, no NUL (as for every text), and not only
            # whitespace (check_query_params refuses what Python's str.strip() empties).
            OpenApiParameter(
                "q",
                {"type": "string", "minLength": 1, "maxLength": 100, "pattern": SEARCH_PATTERN},
                OpenApiParameter.QUERY,
                description="text in the name, summary or slug",
            ),
        ],
        responses={200: PolicyOutputSerializer(many=True), **errors(400, 401, 403, 404, 429)},
    )
)
class PolicyListApi(LanguageMixin, ListAPIView):
    serializer_class = PolicyOutputSerializer
    filterset_class = PolicyFilter

    def get_queryset(self) -> QuerySet[PolicyVersion]:
        # With active_on, the version of each measure in force that day (dated versions never
        # overlap: one at most); without, each measure's current version.
        return _published() if "active_on" in self.request.query_params else _current()


@extend_schema_view(
    get=extend_schema(
        operation_id="policies_retrieve",
        summary="One published measure: texts, rule, benefit, dates, sources",
        description="The rule comes as JSON (design §4 grammar) and as sentences.",
        parameters=[
            LANGUAGE_PARAMETER,
            # As the URL and the column take it: a slug of at most 80 characters.
            OpenApiParameter(
                "slug",
                {"type": "string", "maxLength": 80, "pattern": r"^[-a-zA-Z0-9_]+$"},
                OpenApiParameter.PATH,
                description="measure slug",
            ),
        ],
        responses={200: PolicyDetailOutputSerializer, **errors(401, 403, 404, 429)},
    )
)
class PolicyDetailApi(LanguageMixin, RetrieveAPIView):
    serializer_class = PolicyDetailOutputSerializer
    lookup_field = "policy__slug"
    lookup_url_kwarg = "slug"

    def get_queryset(self) -> QuerySet[PolicyVersion]:
        return _current()
