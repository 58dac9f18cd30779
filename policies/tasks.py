"""Thin Celery tasks run by beat (settings.CELERY_BEAT_SCHEDULE); the work is in expiry.py."""

from celery import shared_task

from .expiry import policy_deadlines_remind as remind
from .expiry import policy_versions_retire_expired as retire_expired


# Idempotent (a retired version is not retired again), so retrying a failed run is safe.
@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def policy_versions_retire_expired() -> list[str]:
    """Retire the published versions whose valid_to has passed; returns the policies' slugs."""
    return retire_expired()


# No automatic retry: a retry after the e-mails went out would send them twice.
@shared_task
def policy_deadlines_remind() -> list[str]:
    """Log and e-mail staff the deadlines of the coming days; returns "slug kind date" lines."""
    return [f"{d.slug} {d.kind} {d.on.isoformat()}" for d in remind()]
