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


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def rematch_policy(policy_id: int) -> int:
    """Plan and send a re-match of one policy over every enterprise; returns the run id."""
    from policies.models import Policy

    from .rematch import rematch_policy_start

    return rematch_policy_start(policy=Policy.objects.get(pk=policy_id)).pk


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=8)
def rematch_chunk(chunk_id: int) -> int:
    """Re-match one chunk of enterprises for one policy (idempotent, safe to retry)."""
    from .rematch import rematch_chunk_run

    return rematch_chunk_run(chunk_id=chunk_id)


@shared_task
def rematch_sweep() -> int:
    """Resend re-match chunks that were never delivered or never finished."""
    from .rematch import rematch_sweep as sweep

    return sweep()


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def rematch_daily() -> list[int]:
    """Start today's re-match of what the new day changes (beat, after midnight); run ids."""
    from .daily import rematch_daily as start

    return [run.pk for run in start()]
