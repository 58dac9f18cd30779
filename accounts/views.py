"""Sign up and sign in. A profile filled in before signing up is kept and saved to the account."""

from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from enterprises.services import enterprise_save_for_owner
from policy_match.pages.views.draft import draft_check, draft_from_enterprise, draft_get, draft_save
from policy_match.pages.views.profile import language_of, owned_enterprise

from .forms import EmailAuthenticationForm, NoticesForm, SignupForm
from .services import NOTICE_SWITCHES, account_notices_set, account_preferences

# Sign-up signs the new user in at once; name the backend because several are configured (axes).
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def sync_profile(request: HttpRequest) -> bool:
    """After signing in: show the saved profile, or save the one just filled in.

    Returns whether the account now has a saved profile.
    """
    enterprise = owned_enterprise(request.user)
    if enterprise is not None:
        draft_save(request, draft_from_enterprise(enterprise))
        return True
    draft = draft_get(request)
    if draft is None or not draft.get("submitted"):
        return False
    language = language_of(request)
    checked = draft_check(draft, language)
    if checked.profile is None:
        return False
    enterprise_save_for_owner(
        owner=request.user, profile=checked.profile, name=draft["name"], language=language
    )
    return True


def _next(request: HttpRequest, saved: bool) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
        return wanted
    return reverse("pages:results" if saved else "pages:profile")


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("pages:profile")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend=MODEL_BACKEND)
        return redirect(_next(request, sync_profile(request)))
    return render(
        request, "accounts/signup.html", {"form": form, "next": request.GET.get("next", "")}
    )


class SignInView(LoginView):
    form_class = EmailAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        login(self.request, form.get_user())
        return redirect(_next(self.request, sync_profile(self.request)))


@login_required
@require_http_methods(["GET", "POST"])
def notices(request: HttpRequest) -> HttpResponse:
    """Which e-mails the account gets (the digest's kinds of notice)."""
    preferences = account_preferences(user=request.user)
    initial = {name: getattr(preferences, name) for name in NOTICE_SWITCHES}
    form = NoticesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        account_notices_set(user=request.user, switches=form.cleaned_data)
        return redirect(reverse("pages:notifications") + "?saved=1")
    saved = request.method == "GET" and request.GET.get("saved") == "1"
    return render(request, "accounts/notifications.html", {"form": form, "saved": saved})
