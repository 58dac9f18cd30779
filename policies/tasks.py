"""Thin Celery tasks run by beat (settings.CELERY_BEAT_SCHEDULE); the work is in expiry.py."""

from celery import shared_task

from .expiry import policy_deadlines_remind as remind


# No automatic retry: a retry after the e-mails went out would send them twice.
@shared_task
def policy_deadlines_remind() -> list[str]:
    """Log and e-mail staff the deadlines of the coming days; returns "slug kind date" lines."""
    return [f"{d.slug} {d.kind} {d.on.isoformat()}" for d in remind()]
