"""The daily re-match (design §13): exactly what can change on a new day, set-based.

On `as_of` a stored result can change for two reasons only: a version of its measure starts
that day or ended the day before (the whole measure is re-matched), or a date-derived condition
of the version in force reaches a threshold that day (a company turning 3, a person turning 46,
a hukou date leaving its one-year window: to_q.crossings_q). The subjects of the second kind
are found in SQL over the date columns, and only the id ranges that hold any get a chunk.
Nothing else is read: a day on which nothing crosses starts no chunk.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db.models import F, Min
from django.utils import timezone

from enterprises.models import Enterprise
from policies.models import Policy, PolicyStatus
from policies.versions import published_versions, version_in_force

from .catalogue import compile_version
from .models import ChangeCause, RematchRun
from .rematch import rematch_policy_start
from .rematch_rows import MODELS
from .rules import Subject
from .rules.to_q import crossings_q


def rematch_daily(*, as_of: date | None = None) -> list[RematchRun]:
    """Start the day's runs (one a measure at most); returns them."""
    as_of = as_of or timezone.localdate()
    yesterday = as_of - timedelta(days=1)
    low = Enterprise.objects.aggregate(low=Min("id"))["low"]
    runs = []
    for policy in Policy.objects.filter(status=PolicyStatus.PUBLISHED).order_by("slug"):
        periods = published_versions(policy.pk).values_list("valid_from", "valid_to")
        if any(start == as_of or end == yesterday for start, end in periods):
            runs.append(rematch_policy_start(policy=policy, as_of=as_of, cause=ChangeCause.DAILY))
            continue
        version = version_in_force(policy_id=policy.pk, as_of=as_of)
        if version is None or low is None:
            continue
        compiled = compile_version(version)
        only = crossings_q(
            [compiled.rule.rule, *compiled.case_rules], as_of=as_of, subject=compiled.subject
        )
        starts = _chunk_starts(compiled.subject, only, low)
        if starts:
            runs.append(
                rematch_policy_start(
                    policy=policy,
                    as_of=as_of,
                    cause=ChangeCause.DAILY,
                    crossings_only=True,
                    chunk_starts=starts,
                )
            )
    return runs


def _chunk_starts(subject: Subject, only: object, low: int) -> list[int]:
    """The first ids of the chunks (as a full run would cut them) holding a crossing subject."""
    size = settings.REMATCH_CHUNK_SIZE
    column = "id" if subject is Subject.ENTERPRISE else "enterprise_id"
    buckets = (
        MODELS[subject]
        .objects.filter(only)
        .annotate(bucket=(F(column) - low) / size)
        .values_list("bucket", flat=True)
        .order_by()
        .distinct()
    )
    return sorted(low + int(bucket) * size for bucket in buckets)
