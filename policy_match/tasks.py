"""Thin Celery tasks: load by id, call a service."""

from celery import shared_task

from enterprises.models import Enterprise

from .notifications import notify_newly_eligible
from .services import match_enterprise


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def rematch_enterprise(enterprise_id: int) -> list[str]:
    """Re-match one enterprise (after its profile changed) and notify newly eligible measures."""
    enterprise = Enterprise.objects.filter(pk=enterprise_id).select_related("owner").first()
    if enterprise is None:
        return []
    result = match_enterprise(enterprise=enterprise)
    notify_newly_eligible(enterprise=enterprise, slugs=result.newly_eligible)
    return result.newly_eligible
