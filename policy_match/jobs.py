"""The background jobs that use-cases ask for after their commit, sent by the task's name.

The tasks (`tasks.py`) are entry points that call the use-cases (design §11); a use-case that
imported them back to enqueue work (re-match a chunk, read the outbox, refresh take-up) tied
the two in an import loop, kept apart only by imports inside functions. Celery finds a task
by its name in the app's registry, so a signature sent by name is the same message a real
worker gets from `task.delay()`, and with Celery eager (the embedded default) it runs inline as
before. The names are checked against the registry by the tests.
"""

from __future__ import annotations

from typing import Any

from celery import signature

REMATCH_ENTERPRISE = "policy_match.tasks.rematch_enterprise"
REMATCH_CHUNK = "policy_match.tasks.rematch_chunk"
EVENTS_DISPATCH = "policy_match.tasks.events_dispatch"
TAKEUP_REFRESH = "policy_match.tasks.takeup_refresh"
APPLICATION_UPDATED = "policy_match.tasks.application_updated"
WELCOME_SEND = "policy_match.tasks.welcome_send"
NAMES = (
    REMATCH_ENTERPRISE,
    REMATCH_CHUNK,
    EVENTS_DISPATCH,
    TAKEUP_REFRESH,
    APPLICATION_UPDATED,
    WELCOME_SEND,
)


def job_send(name: str, *args: Any) -> None:
    """Enqueue the task `name` with `args` (raises as `.delay()` does when the broker is down)."""
    signature(name, args=args).delay()
