"""The e-mail of a new account (#15 item 7): the results it saved, with the money and a link,
in the language it signed up in.

Later changes are told by the daily digest (policy_match.digest); this is the one e-mail of
the sign-up itself, so that a founder who closes the tab still has the figures and the way
back. It is computed from the profile as saved, the same report the results page shows, so
it does not wait for the stored re-match."""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from enterprises.models import Enterprise
from enterprises.selectors import enterprise_profile

from .advice.render import honest_money
from .digest import yuan
from .rules import TRUE, normalize_language
from .services import match_profile

logger = logging.getLogger(__name__)

LISTED = 10  # measures named in the e-mail; the page has the rest


def welcome_send(*, enterprise_id: int, language: str, as_of: date) -> bool:
    """E-mail the owner of a newly saved enterprise its results; False if there is nobody to
    tell (no owner, no address)."""
    enterprise = Enterprise.objects.select_related("owner").filter(pk=enterprise_id).first()
    owner = enterprise.owner if enterprise is not None else None
    if enterprise is None or owner is None or not owner.email or not owner.is_active:
        return False
    report = match_profile(profile=enterprise_profile(enterprise=enterprise), as_of=as_of)
    language = normalize_language(language)
    summary = report.summary()
    money = {key: Decimal(value) for key, value in honest_money(report).items()}
    eligible = sorted(
        (line for line in report.lines if line.outcome == TRUE),
        key=lambda line: (-(line.amount or 0), line.policy.slug),
    )
    with translation.override(language):
        names = enterprise.name_en if language == "en" and enterprise.name_en else enterprise.name
        context = {
            "enterprise": names,
            "eligible": summary["eligible"],
            "undetermined": summary["undetermined"],
            "entitled": yuan(money["entitled_amount"]),
            "competitive": yuan(money["competitive_amount"]),
            "lines": [
                {
                    "name": line.policy.name.get(language),
                    "amount": yuan(line.amount) if line.amount else "",
                    # A published maximum, or a grant chosen by review: never a promise.
                    "up_to": line.policy.amount_kind == "up_to"
                    or line.policy.award == "competitive",
                }
                for line in eligible[:LISTED]
            ],
            "more": max(len(eligible) - LISTED, 0),
            "results_url": settings.SITE_URL + reverse("pages:results"),
            "settings_url": settings.SITE_URL + reverse("pages:notifications"),
        }
        count = summary["eligible"]
        subject = ngettext(
            "南山惠企政策匹配：您的企业符合 %(count)s 项政策",
            "南山惠企政策匹配：您的企业符合 %(count)s 项政策",
            count,
        ) % {"count": count}
        body = render_to_string("emails/welcome.txt", context)
    EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [owner.email]).send()
    return True
