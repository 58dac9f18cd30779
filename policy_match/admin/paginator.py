"""Admin list pages that stay O(page) at district scale (600,000 enterprises, millions of
matches): Django's paginator runs an unbounded COUNT(*) on every list page, which scans.

An unfiltered list is counted from the planner's statistics (PostgreSQL's `reltuples`,
refreshed by autovacuum: close enough for "about 600,000"); a filtered one is counted only
up to a bound (a LIMITed subquery), so its pages go as far as anyone clicks. With
`show_full_result_count = False` the admin runs no second count either.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db import connections

# Beyond this many matching rows a filtered list says "10,000+" pages' worth, no more.
COUNT_BOUND = 10_000


def estimated_rows(model: Any, using: str = "default") -> int | None:
    """The planner's row estimate of a table on PostgreSQL (None elsewhere, or if unknown)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [model._meta.db_table],
        )
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] is not None and row[0] >= 0 else None


class EstimatedCountPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        queryset: Any = self.object_list
        query = getattr(queryset, "query", None)
        if query is None:
            return len(queryset)
        if not query.where and not query.distinct:
            estimate = estimated_rows(queryset.model, queryset.db)
            if estimate:
                return estimate
        # Bounded: at most COUNT_BOUND + 1 rows are read, whatever the filter matches.
        return int(queryset.order_by()[: COUNT_BOUND + 1].count())


class ScaledListMixin:
    """What every large admin list sets (mixed into the ModelAdmin)."""

    paginator: Any = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50
