"""The change events as an outbox: each event is read about once however often readers pass,
and an event that commits late with a lower id than one already read is still read."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from enterprises.models import Enterprise
from policies.models import Policy
from policy_match.models import ChangeCause, Cursor, MatchChange
from policy_match.outbox import SETTLE, outbox_read

pytestmark = pytest.mark.django_db


def _event(pk: int, at: datetime) -> None:
    MatchChange.objects.create(
        id=pk,
        enterprise=Enterprise.objects.get_or_create(name="甲")[0],
        policy=Policy.objects.get_or_create(slug="p", defaults={"category": "other"})[0],
        subject_type="enterprise",
        to_status="eligible",
        cause=ChangeCause.PUBLISH,
        at=at,
    )


class Reader:
    def __init__(self) -> None:
        self.read: list[int] = []

    def __call__(self, after: int, last: int) -> int:
        ids = MatchChange.objects.filter(id__gt=after, id__lte=last).values_list("id", flat=True)
        self.read += sorted(ids)
        return len(ids)


def test_each_event_is_read_once_and_a_late_commit_below_is_not_lost() -> None:
    now = timezone.now()
    for pk in (10, 12, 13):
        _event(pk, now)
    reader = Reader()

    assert outbox_read(name="t", handle=reader, now=now) == 3
    assert outbox_read(name="t", handle=reader, now=now) == 0  # nothing read twice
    assert reader.read == [10, 12, 13]

    _event(11, now)  # a chunk that began earlier commits now, below what was read
    _event(14, now)
    outbox_read(name="t", handle=reader, now=now)
    assert 11 in reader.read and 14 in reader.read
    assert sorted(set(reader.read)) == [10, 11, 12, 13, 14]

    # Once settled, the cursor moves past them for good.
    later = now + SETTLE + timedelta(seconds=1)
    outbox_read(name="t", handle=reader, now=later)
    cursor = Cursor.objects.get(name="t")
    assert (cursor.last_id, cursor.seen_id) == (14, 14)
    before = len(reader.read)
    assert outbox_read(name="t", handle=reader, now=later) == 0
    assert len(reader.read) == before


def test_the_cursor_stops_below_the_first_event_that_has_not_settled() -> None:
    now = timezone.now()
    _event(1, now - SETTLE - timedelta(minutes=1))
    _event(2, now)
    _event(3, now - SETTLE - timedelta(minutes=1))  # old, but after an unsettled one
    outbox_read(name="t", handle=Reader(), now=now)
    assert Cursor.objects.get(name="t").last_id == 1


def test_an_event_that_commits_among_those_just_read_is_read_on_the_next_pass() -> None:
    now = timezone.now()
    for pk in (20, 22):
        _event(pk, now)
    reader = Reader()

    def late_commit(after: int, last: int) -> int:
        made = reader(after, last)
        if not MatchChange.objects.filter(id=21).exists():
            _event(21, now)  # lands below what this batch read, before the pass ends
        return made

    outbox_read(name="t", handle=late_commit, now=now)
    assert reader.read == [20, 22]
    outbox_read(name="t", handle=reader, now=now)
    assert 21 in reader.read
