"""REST endpoints of a partner's own enterprises.

Every query starts from the caller's partner, so another partner's enterprise is simply not
found (404, not 403: its existence is not revealed). A staff session (the browsable API) sees
every enterprise, but only with the admin's own model permissions (keys.IsPartnerOrStaff).
The stored matches of an enterprise are in enterprise_matches, scoped the same way.

Each enterprise carries an ETag (its revision): GET returns it, and PATCH and DELETE accept
`If-Match` so that a partner can tell that someone else changed the enterprise meanwhile. A
PATCH holds the enterprise's row lock from reading it to storing its matches, so concurrent
PATCHes of one enterprise apply one after the other and none is lost.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from enterprises.models import Enterprise, Partner
from enterprises.selectors import enterprise_profile
from enterprises.services import enterprise_save_profile
from policy_match.api.keys import request_partner
from policy_match.api.language import LanguageMixin, request_language
from policy_match.api.schema import LANGUAGE_PARAMETER, errors
from policy_match.retry import retry_once_on_conflict
from policy_match.services import match_enterprise

from .serializers.enterprises import (
    EnterpriseInputSerializer,
    EnterpriseOutputSerializer,
    profile_as_data,
)

ID_PARAMETER = OpenApiParameter(
    "id",
    {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
    OpenApiParameter.PATH,
    description="enterprise id",
)
# A list of entity tags as this API gives them ("3"), or *: anything else is a 400.
ETAGS_PATTERN = r'^(\*|"[0-9]{1,10}"( *, *"[0-9]{1,10}")*)$'
_ETAGS = re.compile(ETAGS_PATTERN)
IF_MATCH_PARAMETER = OpenApiParameter(
    "If-Match",
    {"type": "string", "pattern": ETAGS_PATTERN},
    OpenApiParameter.HEADER,
    description=(
        'the ETag of the enterprise as you read it (e.g. "3"), or *: the request is refused '
        "with 412 if the enterprise has changed since"
    ),
)
IF_NONE_MATCH_PARAMETER = OpenApiParameter(
    "If-None-Match",
    {"type": "string", "pattern": ETAGS_PATTERN},
    OpenApiParameter.HEADER,
    description="an ETag you hold: 304 Not Modified if the enterprise is still at it",
)


def _etag_header(*codes: int) -> OpenApiParameter:
    return OpenApiParameter(
        "ETag",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description='the enterprise\'s revision, e.g. "3"; it changes with every change',
        response=list(codes),
    )


def enterprises_scoped(request: Request) -> QuerySet[Enterprise]:
    queryset = Enterprise.objects.prefetch_related("people", "loans").order_by("id")
    partner = request_partner(request)
    # A staff session sees every enterprise, as in the admin (with the admin's permissions).
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


def _etag(enterprise: Enterprise) -> str:
    return f'"{enterprise.revision}"'


def _output(request: Request, enterprise: Enterprise, status_code: int = 200) -> Response:
    saved = enterprises_scoped(request).get(pk=enterprise.pk)
    response = Response(EnterpriseOutputSerializer(saved).data, status=status_code)
    response["ETag"] = _etag(saved)
    return response


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"


def _tags(request: Request, name: str) -> set[str] | None:
    """The entity tags of a conditional header, None when it is absent."""
    header = request.headers.get(name)
    if header is None:
        return None
    if not _ETAGS.fullmatch(header.strip()):
        raise serializers.ValidationError({name: _('应为 ETag（如 "3"）的列表或 *')})
    return {tag.strip() for tag in header.split(",")}


def _check_if_match(request: Request, enterprise: Enterprise) -> None:
    """`If-Match`: write only if the enterprise is still at one of the given revisions
    (RFC 9110 §13.1.1, strong comparison; * matches any)."""
    tags = _tags(request, "If-Match")
    if tags is None:
        return
    if "*" not in tags and _etag(enterprise) not in tags:
        raise PreconditionFailed(
            _("企业已被修改（当前版本 %(etag)s），请重新读取后再提交") % {"etag": _etag(enterprise)}
        )


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
    staff_models = (Enterprise,)

    def get_queryset(self) -> QuerySet[Enterprise]:
        return enterprises_scoped(self.request)

    @extend_schema(
        operation_id="enterprises_create",
        summary="Store an enterprise (its matches are computed and stored at once)",
        description=(
            "The body is a /match/ profile (enterprise, people, loans) plus name, name_en and "
            "credit_code. Its results are at /enterprises/{id}/matches/ as soon as this returns."
        ),
        parameters=[LANGUAGE_PARAMETER, _etag_header(201)],
        request=EnterpriseInputSerializer,
        responses={201: EnterpriseOutputSerializer, **errors(400, 401, 403, 411, 413, 415, 429)},
    )
    def post(self, request: Request, **kwargs: Any) -> Response:
        serializer = EnterpriseInputSerializer(
            data=request.data, context={"language": request_language()}
        )
        serializer.is_valid(raise_exception=True)
        enterprise = retry_once_on_conflict(
            lambda: _save_and_match(
                data=serializer.validated_data, partner=request_partner(request), enterprise=None
            )
        )
        return _output(request, enterprise, status.HTTP_201_CREATED)


class EnterpriseDetailApi(LanguageMixin, APIView):
    http_method_names = ["get", "patch", "delete", "head", "options"]
    staff_models = (Enterprise,)

    def _get(self, request: Request, *, lock: bool = False) -> Enterprise:
        queryset = enterprises_scoped(request)
        if lock:
            # FOR NO KEY UPDATE: other PATCHes of this enterprise wait, but the foreign-key
            # checks of result rows being written for it (a re-match chunk) do not.
            queryset = queryset.select_for_update(no_key=True, of=("self",))
        return get_object_or_404(queryset, pk=self.kwargs["id"])

    @extend_schema(
        operation_id="enterprises_retrieve",
        summary="One of your enterprises",
        description="Another partner's enterprise is a 404. The ETag header is its revision.",
        parameters=[
            LANGUAGE_PARAMETER,
            ID_PARAMETER,
            IF_NONE_MATCH_PARAMETER,
            _etag_header(200, 304),
        ],
        responses={
            200: EnterpriseOutputSerializer,
            304: OpenApiResponse(description="not modified since the ETag in If-None-Match"),
            **errors(400, 401, 403, 404, 429),
        },
    )
    def get(self, request: Request, **kwargs: Any) -> Response:
        enterprise = self._get(request)
        tags = _tags(request, "If-None-Match")
        if tags is not None and {"*", _etag(enterprise)} & tags:
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
            response["ETag"] = _etag(enterprise)
            return response
        response = Response(EnterpriseOutputSerializer(enterprise).data)
        response["ETag"] = _etag(enterprise)
        return response

    @extend_schema(
        operation_id="enterprises_partial_update",
        summary="Change an enterprise (its matches are recomputed at once)",
        description=(
            "Only what is sent changes: enterprise facts are merged (a fact set to null becomes "
            "unknown); `people` or `loans`, when sent, replace the whole list (`[]` removes "
            "them all). A section itself may not be null. With `If-Match` the change is "
            "refused (412) if the enterprise changed since you read it; concurrent changes "
            "without it are applied one after the other."
        ),
        parameters=[LANGUAGE_PARAMETER, ID_PARAMETER, IF_MATCH_PARAMETER, _etag_header(200)],
        request=EnterpriseInputSerializer(partial=True),
        responses={
            200: EnterpriseOutputSerializer,
            **errors(400, 401, 403, 404, 411, 412, 413, 415, 429),
        },
    )
    def patch(self, request: Request, **kwargs: Any) -> Response:
        return retry_once_on_conflict(lambda: self._patch(request))

    @transaction.atomic
    def _patch(self, request: Request) -> Response:
        # Read, merge and write under the row lock: a PATCH never merges into a profile that
        # another PATCH is about to replace (the lost update).
        enterprise = self._get(request, lock=True)
        _check_if_match(request, enterprise)
        base = profile_as_data(enterprise_profile(enterprise=enterprise))
        serializer = EnterpriseInputSerializer(
            data=request.data,
            partial=True,
            context={"language": request_language(), "base": base},
        )
        serializer.is_valid(raise_exception=True)
        saved = _save_and_match(data=serializer.validated_data, partner=None, enterprise=enterprise)
        return _output(request, saved)

    @extend_schema(
        operation_id="enterprises_destroy",
        summary="Delete an enterprise with its people, loans and results",
        description="Another partner's enterprise is a 404.",
        parameters=[LANGUAGE_PARAMETER, ID_PARAMETER, IF_MATCH_PARAMETER],
        responses={204: None, **errors(400, 401, 403, 404, 412, 429)},
    )
    def delete(self, request: Request, **kwargs: Any) -> Response:
        retry_once_on_conflict(lambda: self._delete(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @transaction.atomic
    def _delete(self, request: Request) -> None:
        enterprise = self._get(request, lock=True)
        _check_if_match(request, enterprise)
        # Its people, loans and matches go with it (on_delete=CASCADE); history keeps a record.
        enterprise.delete()
