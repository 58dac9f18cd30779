"""Startup pages, under the i18n prefix: / in zh-hans, /en/ in English (config/urls.py)."""

from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView

from . import views
from .views import subscriptions

app_name = "pages"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path(
        "profile/",
        RedirectView.as_view(pattern_name="pages:profile-step"),
        {"step": "enterprise"},
        name="profile",
    ),
    path("profile/<slug:step>/", views.profile_step, name="profile-step"),
    path("results/", views.results, name="results"),
    path("results/try/", views.try_change, name="try"),
    path("results/applied/", views.results_applied, name="applied"),
    path("results/share/", views.results_share, name="share"),
    path("shared/<str:token>/", views.shared_results, name="shared"),
    path("shared/<str:token>/open/", views.shared_open, name="shared-open"),
    path("measures/", views.measure_list, name="measures"),
    path("measures/<slug:slug>/", views.measure_detail, name="measure"),
    # "E-mail me when it opens" (views/subscriptions.py): double opt-in, one-click end.
    path("measures/<slug:slug>/subscribe/", subscriptions.subscribe, name="subscription"),
    path("measures/<slug:slug>/subscribe/sent/", subscriptions.sent, name="subscription-sent"),
    path("subscriptions/<slug:token>/confirm/", subscriptions.confirm, name="subscription-confirm"),
    path("subscriptions/<slug:token>/end/", subscriptions.end, name="subscription-end"),
    # Sign-up, sign-in, password reset: names join this namespace (pages:login, …).
    path("accounts/", include("accounts.urls")),
]
