"""Startup pages, under the i18n prefix: / in zh-hans, /en/ in English (config/urls.py)."""

from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView

from . import views

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
    path("measures/", views.measure_list, name="measures"),
    path("measures/<slug:slug>/", views.measure_detail, name="measure"),
    # Sign-up, sign-in, password reset: names join this namespace (pages:login, …).
    path("accounts/", include("accounts.urls")),
]
