from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from config.health import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),  # liveness probe
    path("readyz", readyz, name="readyz"),  # readiness: database and Redis reachable
    path("admin/", admin.site.urls),
    path("api/", include("policy_match.api.urls")),  # /api/v1/…, /api/schema/, /api/docs/
    path("i18n/", include("django.conf.urls.i18n")),  # set_language for the language switch
]
# Startup pages: / in zh-hans (the default, unprefixed), /en/ in English.
urlpatterns += i18n_patterns(
    path("", include("policy_match.pages.urls")), prefix_default_language=False
)
