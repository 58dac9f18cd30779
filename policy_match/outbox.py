"""Reading the change events (MatchChange) as an outbox: each reader (notices, webhooks) keeps a
cursor, the id up to which it has read everything.

Ids are given out when rows are inserted, not when their transaction commits: a re-match chunk
that began earlier may commit events with lower ids after a later one's. So the cursor moves
only over events older than SETTLE (no transaction that writes events lasts that long: a
chunk takes about a second). Newer events are read at once too, for speed; the reader then
remembers how far it read (seen_id) and how many events that unsettled stretch held. On the
next pass the stretch is read again only if its count grew (a late commit landed in it), so
a re-match of 100,000 enterprises that dispatches after each chunk reads each event about
once, not once per chunk. A pass counts the stretch once, and the events that settle in it.
Every reader still makes what it makes idempotent (unique keys): a stretch read again gives
nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction

from .models import Cursor, MatchChange

SETTLE = timedelta(minutes=5)
BATCH = 2000


def _count(after: int, up_to: int) -> int:
    if up_to <= after:
        return 0
    return MatchChange.objects.filter(id__gt=after, id__lte=up_to).count()


def _settled_bound(after: int, up_to: int, now: datetime) -> int:
    """The highest event id in (after, up_to] below which every visible event is settled."""
    first_unsettled = (
        MatchChange.objects.filter(id__gt=after, id__lte=up_to, at__gte=now - SETTLE)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )
    below = MatchChange.objects.filter(id__gt=after, id__lte=up_to)
    if first_unsettled is not None:
        below = below.filter(id__lt=first_unsettled)
    return below.order_by("-id").values_list("id", flat=True).first() or after


def outbox_read(
    *, name: str, handle: Callable[[int, int], int], now: datetime, batch: int = BATCH
) -> int:
    """Call `handle(after, last)` for each batch of events with ids in (after, last] not read
    yet (or read while a late commit could still land among them); returns the sum of what
    the handler returned (what it made).

    One reader of a name at a time: the cursor row is locked for the whole pass."""
    Cursor.objects.get_or_create(name=name)
    made = 0
    with transaction.atomic():
        cursor = Cursor.objects.select_for_update().get(name=name)
        stretch = _count(cursor.last_id, cursor.seen_id)
        stretch_unchanged = stretch == cursor.seen_count
        after = cursor.seen_id if stretch_unchanged else cursor.last_id
        seen = max(after, cursor.seen_id)
        # What this pass has read of (last_id, seen]: counted from the ids handed to the
        # handler, never counted again at the end, where a commit that landed among them
        # after they were read would be counted as read and then never read.
        read = stretch if stretch_unchanged else 0
        while True:
            ids = list(
                MatchChange.objects.filter(id__gt=after)
                .order_by("id")
                .values_list("id", flat=True)[:batch]
            )
            if not ids:
                break
            made += handle(after, ids[-1])
            read += len(ids)
            after = seen = max(seen, ids[-1])
            if len(ids) < batch:
                break
        settled = _settled_bound(cursor.last_id, seen, now)
        # Only the events that settled in this pass are counted (each once in its life),
        # not the whole new stretch, which after a big re-publish holds all its events.
        Cursor.objects.filter(pk=cursor.pk).update(
            last_id=settled, seen_id=seen, seen_count=read - _count(cursor.last_id, settled)
        )
    return made
