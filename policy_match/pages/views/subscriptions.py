"""“E-mail me when it opens” on a measure's page (design §14), without an account.

The page answers the same whatever happened to the request (sent, already confirmed, or held
back by the rate limits of policy_match.subscriptions), so that nobody learns through it who
subscribed to what. The links of the e-mails open a page with a button: mail scanners that
fetch every link must not confirm or end a subscription on their own. Only the unsubscribe
POST is exempt from CSRF: RFC 8058's one-click POST comes from the mail client, not our page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from policies.models import Policy, VersionStatus
from policy_match.subscriptions import (
    subscription_confirm,
    subscription_end,
    subscription_request,
)

from .profile import language_of


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label=_("邮箱"),
        max_length=254,
        help_text=_("我们会先发一封确认邮件；确认后才会提醒您。"),
        error_messages={
            "required": _("请填写邮箱"),
            "invalid": _("请填写有效的邮箱地址，例如 name@example.com"),
        },
    )


def _policy(slug: str) -> Policy:
    policy = Policy.objects.filter(slug=slug, versions__status=VersionStatus.PUBLISHED).first()
    if policy is None:
        raise Http404
    return policy


@require_POST
def subscribe(request: HttpRequest, slug: str) -> HttpResponse:
    policy = _policy(slug)
    form = SubscribeForm(request.POST)
    context = {"policy": policy, "version": policy.current_version, "form": form}
    if not form.is_valid():
        return render(request, "pages/subscription_form.html", context, status=400)
    subscription_request(
        email=form.cleaned_data["email"],
        policy=policy,
        language=language_of(request),
        now=timezone.now(),
    )
    return redirect("pages:subscription-sent", slug=policy.slug)


def sent(request: HttpRequest, slug: str) -> HttpResponse:
    policy = _policy(slug)
    return render(
        request,
        "pages/subscription_sent.html",
        {"policy": policy, "version": policy.current_version},
    )


def _by_token(
    request: HttpRequest, token: str, ask: str, done: str, act: Callable[..., Any]
) -> HttpResponse:
    """GET: the page with the button (`ask`); POST: do it, and say so (`done`), or 404."""
    if request.method == "GET":
        return render(request, ask, {"token": token})
    subscription = act(token=token, now=timezone.now())
    context = {"subscription": subscription, "done": subscription is not None}
    return render(request, done, context, status=200 if subscription else 404)


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    return _by_token(
        request,
        token,
        "pages/subscription_confirm.html",
        "pages/subscription_confirmed.html",
        subscription_confirm,
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def end(request: HttpRequest, token: str) -> HttpResponse:
    return _by_token(
        request,
        token,
        "pages/subscription_end.html",
        "pages/subscription_ended.html",
        subscription_end,
    )
