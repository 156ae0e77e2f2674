"""Settings, read from the environment (see README "Settings").

Development defaults are safe to run on a laptop; production sets DEBUG off,
SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env, envbool, envint, envlist

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. For local development set DEBUG=1 (make run does)."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "assessment.views.errors.csrf_failure"

INSTALLED_APPS = [
    "config.admin.AdminConfig",  # Django's admin, its site from config/admin.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    # Swagger UI's own files, served from here (no CDN): the API's documentation page.
    "drf_spectacular_sidecar",
    "assessment",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # SQLite's "database is locked" from a view: the "try again" page (503), not a 500.
    "assessment.views.errors.DatabaseBusyMiddleware",
    # A blank 405 (a form's address opened with GET): a page that says so, with a way back; not for the API.
    "assessment.views.errors.MethodNotAllowedMiddleware",
    # Axes must come last: it answers locked-out logins itself.
    "axes.middleware.AxesMiddleware",
]

# Django's own two, the second with a short suffix on disk whatever the name sent (assessment/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "assessment.uploads.TemporaryFileUploadHandler",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATA_DIR = Path(env("DATA_DIR", str(BASE_DIR / "var")))
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("CONN_MAX_AGE", 60, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves a small team and its report worker at once. WAL lets reads go on
    # while one connection writes; IMMEDIATE takes the write lock when a transaction starts, so a
    # transaction that read first never has to upgrade its lock (SQLite refuses that at once,
    # "database is locked", instead of waiting); `timeout` is how long a writer waits for the lock.
    # A wait that still runs out is the "try again" page (assessment/views/errors.py), never a 500.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        "timeout": envint("SQLITE_BUSY_TIMEOUT_SECONDS", 20, minimum=0),
        "transaction_mode": "IMMEDIATE",
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Single sign-on through the agency's OpenID Connect provider (README "Single sign-on"),
# on when OIDC_ISSUER is set. Endpoints and signing keys come from the issuer's
# discovery document (assessment/sso/discovery.py).
OIDC_ISSUER = (env("OIDC_ISSUER") or "").rstrip("/")
OIDC_ENABLED = bool(OIDC_ISSUER)
# LOCAL_PASSWORDS=0: nobody signs in with a password except superusers, and they only on
# the admin's login page (the emergency account, for when the provider is down).
LOCAL_PASSWORDS = envbool("LOCAL_PASSWORDS", True)
if OIDC_ENABLED:
    if not OIDC_ISSUER.startswith("https://") and urlsplit(OIDC_ISSUER).hostname not in ("127.0.0.1", "localhost"):
        raise ImproperlyConfigured(
            "OIDC_ISSUER must be an https:// address (plain http only on 127.0.0.1 or localhost)."
        )
    OIDC_RP_CLIENT_ID = env("OIDC_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = env("OIDC_CLIENT_SECRET")
    if not OIDC_RP_CLIENT_ID or not OIDC_RP_CLIENT_SECRET:
        raise ImproperlyConfigured(
            "OIDC_ISSUER is set: set OIDC_CLIENT_ID and OIDC_CLIENT_SECRET (or OIDC_CLIENT_SECRET_FILE) too."
        )
    OIDC_RP_SCOPES = env("OIDC_SCOPES", "openid email profile")
    if "openid" not in OIDC_RP_SCOPES.split():
        raise ImproperlyConfigured("OIDC_SCOPES must include openid.")
    OIDC_GROUPS_CLAIM = env("OIDC_GROUPS_CLAIM", "groups")
    OIDC_DISPLAY_NAME = env("OIDC_DISPLAY_NAME", "your agency account")
    OIDC_RP_SIGN_ALGO = env("OIDC_SIGN_ALGORITHM", "RS256")
    if OIDC_RP_SIGN_ALGO not in ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512"):
        raise ImproperlyConfigured("OIDC_SIGN_ALGORITHM must be RS256, RS384, RS512, ES256, ES384 or ES512.")
    OIDC_TIMEOUT = envint("OIDC_TIMEOUT_SECONDS", 10, minimum=1)
    # A session from the provider ends after this long, so the groups are read again at least daily.
    OIDC_SESSION_HOURS = envint("OIDC_SESSION_HOURS", 10, minimum=1)
    OIDC_USE_PKCE = True
    OIDC_USE_NONCE = True
    OIDC_STORE_ID_TOKEN = True  # server-side session only: the hint for logging out at the provider
    OIDC_CREATE_USER = True
    OIDC_REDIRECT_REQUIRE_HTTPS = not DEBUG
    OIDC_AUTHENTICATION_CALLBACK_URL = "sso-callback"
    AUTHENTICATION_BACKENDS.append("assessment.sso.backend.ProviderBackend")
elif not LOCAL_PASSWORDS:
    raise ImproperlyConfigured('LOCAL_PASSWORDS=0 needs single sign-on: set OIDC_ISSUER (README "Single sign-on").')
if not LOCAL_PASSWORDS:
    AUTHENTICATION_BACKENDS[AUTHENTICATION_BACKENDS.index("django.contrib.auth.backends.ModelBackend")] = (
        "assessment.sso.backend.SuperuserPasswordBackend"
    )

# Login throttling: five failures lock the username from that address for 15 minutes.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
# Bootstrap and axe-core come from npm packages the Makefile installs; nothing
# is fetched from a CDN and no vendored copy is committed.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or envbool("STATIC_USE_FINDERS")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or envbool("STATIC_USE_FINDERS")

# Evidence files behind the answers (docs/evidence.md): under DATA_DIR by default, in an
# S3-compatible bucket when EVIDENCE_S3_BUCKET is set, so that several app servers share them.
# They are never served by a URL of the storage: every download goes through the app's access check.
EVIDENCE_S3_BUCKET = env("EVIDENCE_S3_BUCKET")
if EVIDENCE_S3_BUCKET:
    STORAGES["evidence"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": EVIDENCE_S3_BUCKET,
            "endpoint_url": env("EVIDENCE_S3_ENDPOINT_URL") or None,
            "region_name": env("EVIDENCE_S3_REGION") or None,
            "access_key": env("EVIDENCE_S3_ACCESS_KEY_ID") or None,
            "secret_key": env("EVIDENCE_S3_SECRET_ACCESS_KEY") or None,
            "location": env("EVIDENCE_S3_PREFIX", ""),
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    STORAGES["evidence"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "evidence"), "base_url": None},
    }
EVIDENCE_MAX_MB = envint("EVIDENCE_MAX_MB", 10, minimum=1)
# A scanner of the agency's choice, run on each uploaded file (its path is the last argument);
# any exit status but 0 refuses the file, as does running longer than the timeout.
EVIDENCE_SCAN_COMMAND = env("EVIDENCE_SCAN_COMMAND", "")
EVIDENCE_SCAN_TIMEOUT_SECONDS = envint("EVIDENCE_SCAN_TIMEOUT_SECONDS", 60, minimum=1)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Content-Security-Policy: everything from this host, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if OIDC_ENABLED:
    # Logging out is a form posted here that redirects to the provider: the CSP must allow that.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append("{0.scheme}://{0.netloc}".format(urlsplit(OIDC_ISSUER)))

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Sessions live in the database only, which every worker and app server shares: a
# logout or a password change ends a session everywhere at once. (A cache-backed
# session engine on a per-process cache kept logged-out sessions alive on other workers.)
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Behind TLS (production), cookies are secure and HSTS is on.
SECURE_SSL = envbool("SECURE_SSL", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", SECURE_SSL)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if SECURE_SSL else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# Preload is on with a year of HSTS (check --deploy asks for it; .gov names are
# preloaded anyway). SECURE_HSTS_PRELOAD=0 opts out deliberately, and then the
# deploy check's reminder about it (W021) is silenced as a decision taken.
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS >= 31536000)
SILENCED_SYSTEM_CHECKS = (
    ["security.W021"] if env("SECURE_HSTS_PRELOAD") not in (None, "") and not SECURE_HSTS_PRELOAD else []
)
if envbool("BEHIND_PROXY_TLS", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# How many reverse proxies in front append to X-Forwarded-For (nginx: 1). Login
# throttling then keys on the real client address instead of the proxy's.
PROXY_COUNT = envint("PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "config.proxy.client_ip"

# The cache is a database table (made by the assessment migration
# database_cache_table, so `migrate` alone is enough): shared by every worker and
# app server, with nothing else to run. What it holds may be invalidated from any
# process. A per-process cache (a dict in a module) may hold only values keyed by
# something that never changes, such as an `updated_at`; see
# assessment/selectors/questionnaires.py.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "mlready_cache",
    }
}

# PDF reports are rendered by `manage.py db_worker` from a queue kept in the
# database (django-tasks), and stored in the database for every app server
# (see docs/pdf-reports.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# How long a download waits for a queued report before rendering it itself.
REPORT_WAIT_SECONDS = envint("REPORT_WAIT_SECONDS", 30, minimum=0)
# Seconds the "being prepared" page waits before it loads itself again.
REPORT_REFRESH_SECONDS = envint("REPORT_REFRESH_SECONDS", 5, minimum=0)
# Changes to an agency's teams within this many seconds make one portfolio render.
REPORT_PORTFOLIO_DEBOUNCE_SECONDS = envint("REPORT_PORTFOLIO_DEBOUNCE_SECONDS", 60, minimum=0)

# Active (neither revoked nor expired) personal access tokens one user may hold (docs/api.md).
API_TOKENS_MAX_ACTIVE = envint("API_TOKENS_MAX_ACTIVE", 10, minimum=1)
# The read API (assessment/api/, docs/api.md): personal access tokens only, read-only, one rate per token.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["assessment.api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["assessment.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_token": env("API_RATE", "600/minute")},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "assessment.api.negotiation.NamedFormatNegotiation",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ML Readiness Assessment API",
    "DESCRIPTION": "Read-only: what a personal access token's user reads in the browser (docs/api.md).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

AGENCY_DEFAULT_NAME = env("AGENCY_NAME", "Your Agency")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_query_string": {"()": "config.logfilters.DropQueryString"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The development server's request log, without query strings (the sign-in code).
        "django.server": {"handlers": ["console"], "filters": ["no_query_string"], "propagate": False},
        # WeasyPrint logs every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
