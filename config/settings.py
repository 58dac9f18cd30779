"""Settings from the environment; every knob has an embedded default so nothing is needed locally.

No variables: SQLite file, Celery eager, local-memory cache, console e-mail.
DATABASE_URL + CELERY_BROKER_URL (+ REDIS_URL): PostgreSQL, Redis, real workers (production).
"""

import logging
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-insecure-secret-key-change-me")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "modeltranslation",  # before admin, so translated fields get their tabs
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_api_key",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "policies.apps.PoliciesConfig",
    "enterprises.apps.EnterprisesConfig",
    "policy_match.apps.PolicyMatchConfig",
    "accounts.apps.AccountsConfig",
]

# config.middleware.*: the library's middleware, skipped by partner API calls (design §10).
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.SessionMiddleware",
    "config.middleware.LocaleMiddleware",
    "config.locale.AdminLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "config.middleware.AuthenticationMiddleware",
    "config.middleware.MessageMiddleware",
    "accounts.middleware.AccountLanguageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
            # The startup pages' tags live with the pages (policy_match/pages/), not at the
            # app's top level where Django would look for them.
            "libraries": {"pages": "policy_match.pages.templatetags.pages"},
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
# A kept connection is checked before a request reuses it: after the database has dropped it
# (a restart, a terminated backend) the request opens a new one instead of failing.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The same backend with a health check that needs no round trip (config/postgresql).
    DATABASES["default"]["ENGINE"] = "config.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHE_URL = env.str("REDIS_URL", default="")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# zh-hans is the source language of the catalogue; English is a translation.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
MODELTRANSLATION_DEFAULT_LANGUAGE = "zh-hans"
MODELTRANSLATION_LANGUAGES = ("zh-hans", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("zh-hans",)
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "DJANGO_STATICFILES_STORAGE",
            default="django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}

EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="policy-match@localhost")
# Where the site is reached from outside: the links in e-mails (no trailing slash).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Partner webhooks (design §14): retried with exponential backoff for this long, then given
# up; an endpoint failing this long is disabled. HTTPS only and public addresses only unless
# allowed here (tests and local receivers: never in production).
WEBHOOK_RETRY_HOURS = env.int("WEBHOOK_RETRY_HOURS", default=24)
WEBHOOK_TIMEOUT_SECONDS = env.int("WEBHOOK_TIMEOUT_SECONDS", default=10)
WEBHOOK_ALLOW_HTTP = env.bool("WEBHOOK_ALLOW_HTTP", default=False)
WEBHOOK_ALLOW_PRIVATE = env.bool("WEBHOOK_ALLOW_PRIVATE", default=False)

# --- Celery: eager (in-process) unless a broker is configured ---------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
# An unacknowledged task (its worker died) is delivered again after this many seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
}
# Fail fast when the broker is down: the publish is committed and the re-match waits in the
# outbox (RematchChunk rows) for the sweeper, rather than blocking the staff member's request.
CELERY_TASK_PUBLISH_RETRY = env.bool("CELERY_TASK_PUBLISH_RETRY", default=False)
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)

# --- REST framework (partner API) ------------------------------------------------------------
# Per-key request rate ("<n>/<second|minute|hour|day>"), counted in the default cache: Redis
# when REDIS_URL is set, local memory otherwise.
API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", default="1200/minute")
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=256 * 1024)  # larger: 413
API_MAX_SUBJECTS = env.int("API_MAX_SUBJECTS", default=500)  # people, and loans, per profile
# A chunked body (no Content-Length) is read up to this size and one byte more (config.chunked);
# the API's and Django's own limits then refuse what is too large.
REQUEST_MAX_CHUNKED_BYTES = env.int("REQUEST_MAX_CHUNKED_BYTES", default=8 * 1024 * 1024)
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "policy_match.api.keys.PartnerKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",  # staff, browsable API
    ],
    "DEFAULT_PERMISSION_CLASSES": ["policy_match.api.keys.IsPartnerOrStaff"],
    "DEFAULT_THROTTLE_CLASSES": ["policy_match.api.keys.PartnerKeyThrottle"],
    "DEFAULT_PARSER_CLASSES": ["policy_match.api.bodies.LimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "policy_match.api.bodies.JSONRenderer",  # DRF's, with orjson
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.URLPathVersioning",
    "DEFAULT_VERSION": "v1",
    "ALLOWED_VERSIONS": ["v1"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "policy_match.api.errors.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "policy_match.api.pagination.PageNumberPagination",
    "PAGE_SIZE": env.int("API_PAGE_SIZE", default=50),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Nanshan policy-matching API",
    "DESCRIPTION": (
        "Which Nanshan support measures apply to an enterprise, and why (design §7). "
        "Send `Authorization: Api-Key <key>`; `Accept-Language: zh-hans|en` (default zh-hans). "
        "Money is a decimal string in yuan. Errors: `{code, detail, errors}`, `errors` keyed "
        "by field path such as `people[1].graduated_on`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "policy_match.api.schema.forbid_unknown_request_fields",
    ],
    "ENUM_NAME_OVERRIDES": {
        "SubjectTypeEnum": "policies.models.SubjectType",
        "FactTypeEnum": "policy_match.api.schema.fact_kinds",
        "MatchStatusEnum": "policy_match.models.MatchStatus",
        "CategoryEnum": "policies.models.Category",
        "ConfidenceEnum": "policies.models.Confidence",
        "AwardEnum": "policies.models.Award",
        "JurisdictionEnum": "policies.models.Jurisdiction",
        "AmountKindEnum": "policies.models.AmountKind",
        "DistrictEnum": "policy_match.api.schema.district_choices",
        "ApplicationStatusEnum": "policy_match.models.ApplicationStatus",
        "DeliveryStatusEnum": "policy_match.models.DeliveryStatus",
        "EventTypeEnum": "policy_match.models.webhooks.EVENT_TYPE_CHOICES",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # validatorUrl None: no call to the online swagger.io validator (the docs work offline).
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
}
# --- end REST framework -----------------------------------------------------------------------

# --- Startup pages ----------------------------------------------------------------------------
# Sign-in by e-mail (accounts/); the pages live under the i18n prefix (policy_match/urls.py).
LOGIN_URL = "pages:login"
LOGIN_REDIRECT_URL = "pages:results"
LOGOUT_REDIRECT_URL = "pages:home"
# --- end startup pages ------------------------------------------------------------------------

# --- Matching ---------------------------------------------------------------------------------
# How many enterprises one re-match task covers (design §10: ≤ 1 task per 1,000 enterprises).
REMATCH_CHUNK_SIZE = env.int("REMATCH_CHUNK_SIZE", default=10000)
# A chunk waits at most this long for a row lock (PostgreSQL), then fails and is retried.
REMATCH_LOCK_TIMEOUT_MS = env.int("REMATCH_LOCK_TIMEOUT_MS", default=10000)
# Chunks not done this long after being sent are sent again by the sweeper (beat).
REMATCH_RESEND_AFTER_SECONDS = env.int("REMATCH_RESEND_AFTER_SECONDS", default=300)

# --- Production and security ------------------------------------------------------------------
# Defaults suit local work and the test suite (plain HTTP); production turns HTTPS on through the
# environment (docker-compose.yml does), and `manage.py check --deploy` is then clean.
INSTALLED_APPS += ["axes", "csp"]
# First: the request id and the access line cover every other middleware. Then the body size
# check, before anything reads a body.
MIDDLEWARE.insert(0, "config.logging.RequestIdMiddleware")
MIDDLEWARE.insert(1, "policy_match.api.bodies.RequestBodyMiddleware")
# Axes last, as its documentation requires: it turns a lockout into the 429 response.
MIDDLEWARE += ["config.middleware.CSPMiddleware", "axes.middleware.AxesMiddleware"]
# Axes first, so a locked-out client is refused before its password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    *globals().get("AUTHENTICATION_BACKENDS", ["django.contrib.auth.backends.ModelBackend"]),
]

# Behind a TLS-terminating proxy the app sees plain HTTP; the proxy's header says it was HTTPS.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https")
    if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False)
    else None
)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
# Probes call the container over plain HTTP from inside; a redirect would fail them.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# For a deliberate exception only, e.g. trying the compose stack over plain HTTP:
# DJANGO_SILENCED_SYSTEM_CHECKS=security.W004,security.W008 (compose's migrate step runs
# `check --deploy` and refuses to start on any other warning).
SILENCED_SYSTEM_CHECKS = env.list("DJANGO_SILENCED_SYSTEM_CHECKS", default=[])
# Outgoing mail (reminders, notifications): SMTP when DJANGO_EMAIL_BACKEND says so.
EMAIL_HOST = env.str("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10  # a stuck SMTP server must not hold a worker forever
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # An unreachable database must fail /readyz and requests quickly, not after TCP's minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DJANGO_DB_CONNECT_TIMEOUT", default=5)
    )

# django-csp 4 format. Scripts only from our own origin: no inline script, no eval, no CDN.
# Inline styles stay allowed because the admin (change list), django-simple-history and the
# Swagger UI / ReDoc pages ship inline <style>/style="" that we cannot edit; CSS cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # ReDoc's search runs in a Web Worker it creates from a blob: URL.
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# django-axes: lock a client out of every login (admin, startup pages) after repeated failures.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
# Comma-separated; "username+ip_address" locks that pair only (one mistyping colleague behind
# the same office IP then does not lock everyone out).
AXES_LOCKOUT_PARAMETERS = [
    part.split("+") if "+" in part else part
    for part in env.list("AXES_LOCKOUT_PARAMETERS", default=["ip_address"])
]
AXES_RESET_ON_SUCCESS = True
# Behind N proxies the client is the Nth-from-right X-Forwarded-For entry, not REMOTE_ADDR
# (which would be the proxy, and one lockout would lock out everybody).
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0) or None
if AXES_IPWARE_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# Logging: readable lines by default, one JSON object a line in production.
LOG_FORMAT = env.str("DJANGO_LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}")
if LOG_FORMAT == "json":
    # Python warnings would otherwise reach stderr as bare text between the JSON lines.
    logging.captureWarnings(True)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {
            "()": "config.logging.PlainFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": True,
            "json_ensure_ascii": False,
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        # Replaces Django's own DEBUG-only console handler: everything goes through root once.
        "django": {"level": "INFO"},
        # Our task line (policy_match.task) replaces Celery's "received" and "succeeded" lines;
        # failures are still logged with their traceback at ERROR.
        "celery.app.trace": {"level": "WARNING"},
        "celery.worker.strategy": {"level": "WARNING"},
    },
}

# Celery beat: the daily re-match just after midnight, staff's deadline reminders in the morning.
POLICY_DEADLINE_REMINDER_DAYS = env.int("POLICY_DEADLINE_REMINDER_DAYS", default=30)
CELERY_BEAT_SCHEDULE = {
    # What the new day changes (design §13): versions starting or ending, subjects whose
    # date-derived conditions cross a threshold (a company turning 3, a person turning 46).
    "rematch-daily": {
        "task": "policy_match.tasks.rematch_daily",
        "schedule": crontab(hour=0, minute=20),  # CELERY_TIMEZONE: Asia/Shanghai
    },
    # Re-match chunks whose task was lost (broker down at publish, worker killed) are resent.
    "resend-stale-rematch-chunks": {
        "task": "policy_match.tasks.rematch_sweep",
        "schedule": timedelta(seconds=60),
    },
    "purge-shared-profiles": {
        "task": "policy_match.tasks.shared_profiles_purge",
        "schedule": crontab(hour=3, minute=0),
    },
    # Change events into notices and webhook events (also kicked after each re-match chunk).
    "dispatch-events": {
        "task": "policy_match.tasks.events_dispatch",
        "schedule": timedelta(seconds=30),
    },
    "send-due-webhooks": {
        "task": "policy_match.tasks.webhooks_sweep",
        "schedule": timedelta(seconds=30),
    },
    # Windows opening and closing in 14 and 3 days: after the daily re-match.
    "windows-daily": {
        "task": "policy_match.tasks.windows_daily",
        "schedule": crontab(hour=0, minute=50),
    },
    # One digest per owner per day, in the morning.
    "digest-daily": {
        "task": "policy_match.tasks.digest_daily",
        "schedule": crontab(hour=8, minute=0),
    },
    "refresh-takeup": {
        "task": "policy_match.tasks.takeup_refresh",
        "schedule": timedelta(minutes=15),
    },
    "remind-policy-deadlines": {
        "task": "policies.tasks.policy_deadlines_remind",
        "schedule": crontab(hour=8, minute=30),
    },
}
# --- end production and security --------------------------------------------------------------
