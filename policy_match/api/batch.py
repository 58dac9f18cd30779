"""POST /api/v1/match/batch/: many profiles in one request (design §15), for a partner that
screens its whole portfolio. Each profile is answered as /match/ answers it, or refused on its
own; the batch is refused as a whole only when its envelope is wrong. A batch of n profiles
counts as n requests against the key's rate."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from policy_match.advice import advised_json
from policy_match.services import match_profile

from .keys import request_catalogue, throttle_charge
from .language import LanguageMixin, request_language
from .schema import LANGUAGE_PARAMETER, errors
from .serializers.batch import (
    MAX_PROFILES,
    BatchInputSerializer,
    BatchOutputSerializer,
    batch_profile,
    validate_batch,
)


class MatchBatchApi(LanguageMixin, APIView):
    @extend_schema(
        operation_id="match_batch",
        summary=f"Evaluate up to {MAX_PROFILES} profiles in one request (stores nothing)",
        description=(
            "Each profile is a /match/ body with your `ref` (unique in the batch) and without "
            "`as_of`, which the batch gives once. The answer has one item per profile, in "
            "order: `status` 200 with `match`, or 400 with `error` for that profile alone. "
            "A batch of n profiles counts as n requests against your key's rate."
        ),
        parameters=[LANGUAGE_PARAMETER],
        request=BatchInputSerializer,
        responses={200: BatchOutputSerializer, **errors(400, 401, 403, 411, 413, 415, 429)},
    )
    def post(self, request: Request, **kwargs: Any) -> Response:
        language = request_language()
        as_of, items = validate_batch(request.data)
        throttle_charge(request, len(items) - 1)
        day = as_of or timezone.localdate()
        catalogue = request_catalogue(request)  # once for the batch, not once a profile
        results: list[dict[str, Any]] = []
        for ref, raw in items:
            profile, error = batch_profile(raw, language=language, as_of=day)
            if profile is None:
                results.append({"ref": ref, "status": 400, "error": error})
                continue
            report = match_profile(profile=profile, as_of=day, catalogue=catalogue)
            results.append({"ref": ref, "status": 200, "match": advised_json(report, language)})
        return Response({"as_of": day.isoformat(), "results": results})
