"""Running a whole transaction once more when PostgreSQL aborted it for a conflict.

Two transactions that lock the same rows in different orders (an API write and a re-match
chunk both writing one enterprise's results) can deadlock; PostgreSQL then aborts one of them
with "deadlock detected" (40P01), or a serialisable one with 40001. Either is safe to run again
from the start, and the second attempt almost always succeeds, so the caller answers normally
instead of a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError, connection

logger = logging.getLogger(__name__)
T = TypeVar("T")
CONFLICTS = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure


def is_conflict(exc: BaseException) -> bool:
    """A deadlock or serialisation failure reported by the database."""
    cause = exc.__cause__ or exc
    return getattr(cause, "sqlstate", None) in CONFLICTS


def retry_once_on_conflict(work: Callable[[], T]) -> T:
    """Run `work`, which must be a whole transaction, and once more after a conflict."""
    try:
        return work()
    except OperationalError as exc:
        # Inside an outer transaction the whole of it was aborted: only its owner can retry.
        if not is_conflict(exc) or connection.in_atomic_block:
            raise
        logger.warning("transaction aborted by a conflict (%s); running it once more", exc)
        return work()
