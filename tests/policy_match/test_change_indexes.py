"""A change event is written once for each of its table's indexes, so the table keeps only the
indexes its reads use (a re-publish that changes 500,000 rows writes as many events)."""

from __future__ import annotations

import pytest
from django.db import connection

from policy_match.models import MatchChange

pytestmark = pytest.mark.django_db


def test_change_events_keep_only_the_indexes_their_reads_use() -> None:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, MatchChange._meta.db_table)
    indexes = sorted(
        tuple(c["columns"]) for c in found.values() if c["index"] and not c["primary_key"]
    )
    # (enterprise_id, at): an enterprise's changes, newest first (its history page), and every
    # lookup by enterprise (a cascade); (at, id): the staff list, newest first, in the order
    # it shows them (a chunk's events share one `at`: with (at) alone the newest page sorted
    # the whole chunk); policy_id: a measure's changes (its list filter, a cascade). The outbox
    # reads by id (the key).
    assert indexes == [("at", "id"), ("enterprise_id", "at"), ("policy_id",)]
