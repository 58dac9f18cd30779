"""“E-mail me when this measure's window opens”, without an account (design §14): the address
is confirmed by a link sent to it (double opt-in), every e-mail ends with a one-click
unsubscribe link (and List-Unsubscribe headers), and nothing is sent to an address that did
not confirm. One random token per subscription serves both links.

Anyone can type any address, so confirmation e-mails are rate-limited: one per subscription
every RESEND_AFTER, at most DAILY_PER_ADDRESS a day per address."""

from __future__ import annotations

import logging
import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from policies.models import Policy

from .models import Subscription
from .notices import Moment, window_moments
from .rules import normalize_language

logger = logging.getLogger(__name__)

RESEND_AFTER = timedelta(minutes=10)
DAILY_PER_ADDRESS = 5


def normalize_email(email: str) -> str:
    """The address as stored: trimmed, the domain in lower case (validated by the caller's
    form, and again here)."""
    local, _at, domain = email.strip().rpartition("@")
    address = f"{local}@{domain.lower()}"
    validate_email(address)
    return address


def _link(name: str, token: str) -> str:
    return settings.SITE_URL + reverse(name, args=[token])


def subscription_request(
    *, email: str, policy: Policy, language: str, now: datetime
) -> Subscription:
    """Start (or restart) a subscription and send the confirmation link, unless one went out
    just now, the address had its share today, or it is already confirmed."""
    address = normalize_email(email)
    language = normalize_language(language)
    subscription, _created = Subscription.objects.get_or_create(
        email=address,
        policy=policy,
        defaults={"token": secrets.token_urlsafe(32), "language": language},
    )
    if subscription.unsubscribed_at is not None:  # subscribing again: a new consent
        subscription.token = secrets.token_urlsafe(32)
        subscription.unsubscribed_at = subscription.confirmed_at = None
        subscription.confirm_sent_at = None
    subscription.language = language
    if subscription.confirmed_at is None and _may_send(subscription, now):
        _send_confirmation(subscription)
        subscription.confirm_sent_at = now
    subscription.save()
    return subscription


def _may_send(subscription: Subscription, now: datetime) -> bool:
    if subscription.confirm_sent_at and now - subscription.confirm_sent_at < RESEND_AFTER:
        return False
    today = Subscription.objects.filter(
        email=subscription.email, confirm_sent_at__gte=now - timedelta(days=1)
    )
    return today.count() < DAILY_PER_ADDRESS


def _measure_name(policy: Policy) -> str:
    version = policy.current_version
    return version.name if version is not None else policy.slug


def _send_confirmation(subscription: Subscription) -> None:
    with translation.override(subscription.language):
        context = {
            "measure": _measure_name(subscription.policy),
            "confirm_url": _link("pages:subscription-confirm", subscription.token),
        }
        subject = _("请确认订阅：%(measure)s 开始申报时提醒您") % context
        body = render_to_string("emails/subscription_confirm.txt", context)
    EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [subscription.email]).send()


def _measure_url(slug: str) -> str:
    return settings.SITE_URL + reverse("pages:measure", args=[slug])


def _valid(token: str) -> bool:
    return isinstance(token, str) and 20 <= len(token) <= 64


def subscription_confirm(*, token: str, now: datetime) -> Subscription | None:
    """Confirm the subscription of `token` (again is fine); None if unknown or ended."""
    if not _valid(token):
        return None
    subscription = Subscription.objects.filter(token=token, unsubscribed_at__isnull=True).first()
    if subscription is not None and subscription.confirmed_at is None:
        subscription.confirmed_at = now
        subscription.save(update_fields=["confirmed_at"])
    return subscription


def subscription_end(*, token: str, now: datetime) -> Subscription | None:
    """End the subscription of `token` (again is fine); None if the token is unknown."""
    if not _valid(token):
        return None
    subscription = Subscription.objects.filter(token=token).select_related("policy").first()
    if subscription is not None and subscription.unsubscribed_at is None:
        subscription.unsubscribed_at = now
        subscription.save(update_fields=["unsubscribed_at"])
    return subscription


def subscriptions_notify(*, as_of: date) -> int:
    """E-mail confirmed subscribers of measures whose window opens on `as_of` (or opened in
    the last days and was not told yet); each opening date is told once."""
    sent = 0
    for moment in window_moments(as_of=as_of):
        if moment.kind != "opening":
            continue
        due = (
            Subscription.objects.filter(
                policy_id=moment.version.policy_id,
                confirmed_at__isnull=False,
                unsubscribed_at__isnull=True,
            )
            .exclude(notified_for=moment.on)
            .select_related("policy")
        )
        for subscription in due:
            try:
                _send_opening(subscription, moment)
            except OSError:
                logger.exception("window e-mail to subscription %s not sent", subscription.pk)
                continue
            Subscription.objects.filter(pk=subscription.pk).update(notified_for=moment.on)
            sent += 1
    return sent


def _send_opening(subscription: Subscription, moment: Moment) -> None:
    with translation.override(subscription.language):
        end_url = _link("pages:subscription-end", subscription.token)
        version = moment.version
        context = {
            "measure": version.name,
            "opens": moment.on,
            "closes": version.apply_closes,
            "measure_url": _measure_url(version.policy.slug),
            "end_url": end_url,
        }
        subject = _("开始申报：%(measure)s") % context
        body = render_to_string("emails/subscription_opening.txt", context)
    message = EmailMultiAlternatives(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [subscription.email],
        # RFC 8058: mail clients offer their own unsubscribe button, which POSTs to end_url.
        headers={
            "List-Unsubscribe": f"<{end_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.send()
