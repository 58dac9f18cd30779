"""Thin Celery tasks: load by id, call a use-case. The evaluation date of a scheduled task
is today in Asia/Shanghai, read here and passed down."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from enterprises.models import Enterprise

from .services import match_enterprise


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def rematch_enterprise(enterprise_id: int) -> int:
    """Re-match one enterprise (after its profile changed); returns the changes made. Its
    owner hears of them in the next digest (policy_match.notices)."""
    enterprise = Enterprise.objects.filter(pk=enterprise_id).first()
    if enterprise is None:
        return 0
    return len(match_enterprise(enterprise=enterprise).changes)


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


@shared_task
def shared_profiles_purge() -> int:
    """Delete the answers behind expired share links (beat, daily)."""
    from .sharing import shared_profiles_purge as purge

    return purge()


def _send_due() -> int:
    from .webhooks.delivery import deliveries_due

    due = deliveries_due(now=timezone.now())
    for delivery_id in due:
        webhook_deliver.delay(delivery_id)
    return len(due)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def events_dispatch() -> int:
    """Read new change events into notices and webhook events, and send the deliveries
    (after each re-match chunk and profile save, and every 30 s from beat)."""
    from .notices import notices_collect
    from .webhooks.events import events_dispatch as dispatch

    now = timezone.now()
    notices_collect(now=now)
    dispatch(now=now)
    return _send_due()


@shared_task(acks_late=True)
def webhook_deliver(delivery_id: int) -> bool:
    """One attempt of one delivery; a failure schedules the next (backoff). In eager mode
    (no broker) there is no delayed task: the beat sweep would retry, when one runs."""
    from .webhooks.delivery import delivery_attempt

    wait = delivery_attempt(delivery_id=delivery_id, now=timezone.now())
    if wait is not None and not settings.CELERY_TASK_ALWAYS_EAGER:
        webhook_deliver.apply_async((delivery_id,), countdown=wait.total_seconds())
    return wait is None


@shared_task
def webhooks_sweep() -> int:
    """Send the deliveries that are due and have no task (a lost one, a worker restart)."""
    return _send_due()


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def windows_daily() -> dict[str, int]:
    """Today's window notices, window.closing webhooks and subscription e-mails (beat)."""
    from .notices import notices_windows
    from .subscriptions import subscriptions_notify
    from .webhooks.events import events_window_closing

    today, now = timezone.localdate(), timezone.now()
    made = {
        "notices": notices_windows(as_of=today),
        "webhooks": events_window_closing(as_of=today, now=now),
        "subscriptions": subscriptions_notify(as_of=today),
    }
    _send_due()
    return made


@shared_task
def digest_daily() -> int:
    """Every owner's digest of the day (beat, in the morning); e-mails sent."""
    from .digest import digest_send
    from .notices import notices_collect, notices_purge

    now = timezone.now()
    notices_collect(now=now)
    notices_purge(now=now)
    return digest_send(today=timezone.localdate(), now=now)


@shared_task
def takeup_refresh(policy_ids: list[int] | None = None) -> int:
    """Recompute take-up figures (of these measures, or all: beat, every 15 minutes) and the
    admin dashboard's figures, which a large database never aggregates on the page."""
    from .dashboard_stats import dashboard_stats_refresh
    from .takeup import takeup_refresh as refresh

    written = refresh(policy_ids=policy_ids)
    dashboard_stats_refresh()
    return written


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def application_updated(application_id: int) -> int:
    """After an application record changes: its webhook event and its measure's take-up."""
    from .models import Application
    from .takeup import takeup_refresh as refresh
    from .webhooks.events import event_application

    application = (
        Application.objects.select_related("enterprise", "policy").filter(pk=application_id).first()
    )
    if application is None:
        return 0
    made = event_application(application=application)
    refresh(policy_ids=[application.policy_id])
    _send_due()
    return made


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def welcome_send(enterprise_id: int, language: str) -> bool:
    """The e-mail of a new account's saved results (accounts' sign-up)."""
    from .welcome import welcome_send as send

    return send(enterprise_id=enterprise_id, language=language, as_of=timezone.localdate())
