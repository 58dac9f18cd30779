"""One result line of the advised report (the API's JSON, design §7 + §12) as a page card.

Everything a card states comes from `advised_json`, so the page and the API cannot disagree on
a status or an amount; the published version adds only what a founder needs to act (how to
apply, sources, checks). Catalogue notes pass through `texts.shown`: a note not written in
the page's language, a source ref ("S5") or a slug never reaches the page (#15 item 7).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from policies.models import Category, PolicyVersion
from policy_match.profile import Profile
from policy_match.rules import FACTS, Subject

from .texts import lang_attr, shown, source_date

_REF = re.compile(r"^([pl])(\d+)$")
_STEP = {Subject.ENTERPRISE: "enterprise", Subject.PERSON: "people", Subject.LOAN: "loans"}


def subject_label(subject: str, ref: str | None) -> str:
    if not ref:
        return ""
    match = _REF.match(ref)
    if match is None:
        return ref
    number = match.group(2)
    return (
        _("人员 %(n)s") % {"n": number} if subject == "person" else _("贷款 %(n)s") % {"n": number}
    )


def row_index(profile: Profile, fact_name: str, ref: str | None) -> int | None:
    """The form row of `ref` for a person's or loan's fact (None for the enterprise's)."""
    subject = FACTS[fact_name].subject
    if subject is Subject.ENTERPRISE:
        return None
    rows = profile.people if subject is Subject.PERSON else profile.loans
    return next((i for i, (r, _values) in enumerate(rows) if r == ref), 0)


def field_url(fact_name: str, index: int | None, *, back: bool = True) -> str:
    """The form step of a fact, opened with that field focused (server-side autofocus, so it
    works without JavaScript) and, with `back`, a button that returns to the results."""
    fact = FACTS[fact_name]
    step = _STEP[fact.subject]
    query: dict[str, Any] = {"focus": fact_name}
    if index is not None:
        query["row"] = index
    if back:
        query["back"] = "results"
    url = reverse("pages:profile-step", kwargs={"step": step})
    # No #fragment: a browser skips autofocus on a page opened at a fragment (HTML's
    # "flush autofocus candidates"), and the focused field is scrolled into view anyway.
    return f"{url}?{urlencode(query)}"


def try_url(fact_name: str, ref: str | None) -> str:
    query = {"fact": fact_name, **({"ref": ref} if ref else {})}
    return f"{reverse('pages:try')}?{urlencode(query)}"


def source_link(source: dict[str, Any], language: str) -> dict[str, str]:
    url = str(source.get("url") or "")
    quote = str(source.get("quote") or "")
    title = str(source.get("title") or "")
    return {
        "title": title,
        "title_lang": lang_attr(title, language),
        "url": url if url.startswith(("http://", "https://")) else "",
        "date": source_date(str(source.get("date") or "")),
        "quote": quote,
        "quote_lang": lang_attr(quote, language),
    }


def manual_checks(version: PolicyVersion, language: str) -> list[str]:
    key = "en" if language == "en" else "zh-hans"
    checks = (str(c.get(key) or "") for c in version.manual_checks or [] if isinstance(c, dict))
    return [text for text in (shown(c, language) for c in checks) if text]


def reason_item(reason: dict[str, Any], language: str) -> dict[str, Any]:
    """A reason with its provenance: the quoted source, and whether it is our assumption."""
    source = reason.get("source") or {}
    return {
        **reason,
        "assumed": reason.get("basis") == "assumed",
        "note": shown(reason.get("note"), language),
        "source": source_link(source, language) if source.get("quote") else None,
    }


def card(
    result: dict[str, Any],
    version: PolicyVersion,
    profile: Profile,
    language: str,
    names: dict[str, str],
) -> dict[str, Any]:
    subject, ref = result["subject"]["type"], result["subject"]["ref"]
    missing = []
    for item in result["missing"]:
        at = row_index(profile, item["fact"], ref)
        missing.append(
            {
                "label": item["label"],
                "url": field_url(item["fact"], at),
                "subject": subject_label(subject, ref) if at is not None else "",
            }
        )
    amount = result["amount"]
    reasons = [reason_item(r, language) for r in result["reasons"]]
    # "Try a change" on the line: the change that would unlock it, else its first question.
    changes = result.get("unlock") or []
    tried = changes[0]["fact"] if changes else (result["missing"] or [{}])[0].get("fact")
    tried_ref = (changes[0]["ref"] if changes else ref) if tried else None
    if tried and FACTS[tried].subject is Subject.ENTERPRISE:
        tried_ref = None
    return {
        "slug": result["policy"],
        "key": f"{result['policy']}-{ref}" if ref else result["policy"],
        "ref": ref or "",
        "status": result["status"],
        "name": result["name"],
        "category": dict(Category.choices).get(result["category"], result["category"]),
        "subject": subject_label(subject, ref),
        "subject_type": subject,
        "amount": None if amount is None else Decimal(amount),
        "award": result.get("award", "competitive"),
        "exact": result.get("amount_kind") == "exact",
        # The report's note already carries the in-kind value and a 不重复享受 exclusion.
        "amount_note": shown(result["amount_note"], language, names),
        "reasons": reasons,
        "failing": [
            r
            for r in reasons
            if r["outcome"] == "false" and r["kind"] == "condition" and not r["alternative"]
        ],
        "missing": missing,
        "summary": shown(version.summary, language, names),
        "channel": shown(version.application_channel, language, names),
        "application_url": (
            version.application_url
            if str(version.application_url or "").startswith(("http://", "https://"))
            else ""
        ),
        "window": result.get("window") or {},
        "documents": [d for d in result.get("documents") or [] if d],
        "sources": [source_link(s, language) for s in version.sources or [] if isinstance(s, dict)],
        "checks": manual_checks(version, language),
        "unlock": result.get("unlock") or [],
        "unlock_amount": (
            None if result.get("unlock_amount") is None else Decimal(result["unlock_amount"])
        ),
        "unlock_reason": result.get("unlock_reason") or "",
        "try_url": try_url(tried, tried_ref) if tried and not FACTS[tried].derived else "",
    }
