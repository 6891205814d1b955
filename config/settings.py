"""Tupa settings: one file, driven by environment variables.

``TUPA_ENV`` selects the profile: ``development`` (default; SQLite under var/),
``test`` (set by the test suite) or ``production`` (secure cookies, HSTS, required secrets).
See ``.env.example`` for every variable.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _load_dotenv(path: Path) -> None:
    """Read KEY=VALUE lines from .env without overriding the real environment."""
    if not path.is_file():
        return
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _sep, value = line.partition("=")
        os.environ.setdefault(key.strip(), value.strip().strip('"').strip("'"))


_load_dotenv(BASE_DIR / ".env")

TUPA_ENV = env("TUPA_ENV", "development")
PRODUCTION = TUPA_ENV == "production"
TESTING = TUPA_ENV == "test"

# The demo (``make demo``, TUPA_DEMO=true) runs without DEBUG even in the development profile:
# it must show the product's own error pages, never Django's technical 404 page or a 500
# traceback with the data the failing view held. Static files are still served by WhiteNoise
# (``whitenoise.runserver_nostatic`` + ``WHITENOISE_USE_FINDERS``). ``DJANGO_DEBUG`` overrides.
DEBUG = env_bool("DJANGO_DEBUG", default=TUPA_ENV == "development" and not env_bool("TUPA_DEMO"))

if PRODUCTION:
    SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]  # required: fail loudly if missing
else:
    SECRET_KEY = env(
        "DJANGO_SECRET_KEY", "dev-only-insecure-key-never-use-in-production-0123456789"
    )

ALLOWED_HOSTS = [
    h.strip()
    for h in env("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [o for o in env("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "tupa.home.apps.TupaAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_htmx",
    "template_partials",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "tupa.core",
    "tupa.audit",
    "tupa.accounts",
    "tupa.access",
    "tupa.organisations",
    "tupa.finance",
    "tupa.people",
    "tupa.episodes",
    "tupa.residential",
    "tupa.scheduling",
    "tupa.programmes",
    "tupa.dropin",
    "tupa.prevention",
    "tupa.planning",
    "tupa.visitation",
    "tupa.volunteers",
    "tupa.surveys",
    "tupa.home",
    "tupa.dataprotection",
    "tupa.statistics",
    "tupa.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tupa.core.middleware.RequestIdMiddleware",
    # request.htmx for every view and for the accounts middleware below (tupa.core.htmx).
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tupa.core.middleware.UserLanguageMiddleware",
    "tupa.accounts.middleware.SessionTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tupa.accounts.middleware.LoginRequiredMiddleware",
    "tupa.accounts.middleware.PortalReachMiddleware",
    "tupa.accounts.middleware.TwoFactorRequiredMiddleware",
    "tupa.core.middleware.OrganisationScopeMiddleware",
    "tupa.accounts.middleware.RefusedRequestLogMiddleware",
    "tupa.core.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tupa" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "tupa.home.context_processors.tupa",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'tupa.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60" if PRODUCTION else "0")),
        conn_health_checks=True,
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Parameters bound by the server, so that psycopg prepares a query the fifth time a connection
# runs it (Django's default turns preparing off) and PostgreSQL skips its parsing and planning
# (ADR 0022). Off for a pooler in transaction mode that cannot keep prepared statements.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_SERVER_SIDE_BINDING", default=True
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;",
        }
    )
if env("TUPA_TEST_DB_NAME", ""):
    # A named test database (SQLite file) lets a developer rerun a few tests with
    # ``pytest --reuse-db`` without migrating from scratch each time. Unset in CI and `make test`.
    DATABASES["default"]["TEST"] = {"NAME": env("TUPA_TEST_DB_NAME", "")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and authentication --------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's model backend, reading the organisation with the user (tupa/accounts/backends.py).
    # Changing this path signs out the sessions made under the old one, once.
    "tupa.accounts.backends.UserBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests hash hundreds of passwords.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "tupa.accounts.validators.MaximumLengthValidator"},
    {"NAME": "tupa.accounts.validators.FinnishCommonPasswordValidator"},
]

# Two-factor authentication: on for every staff account. The demo may switch it off; the login
# page then says so.
TUPA_REQUIRE_2FA = env_bool("TUPA_REQUIRE_2FA", default=True)
OTP_TOTP_ISSUER = env("TUPA_OTP_ISSUER", "Tupa")
OTP_TOTP_THROTTLE_FACTOR = 1

# Feedback results (docs/surveys-results.md): anything from fewer respondents than this is shown
# as "< 5" in every export and on screen to viewers outside the service form; anonymous free
# texts of such a group are withheld.
SURVEYS_SMALL_CELL = int(env("TUPA_SURVEYS_SMALL_CELL", "5"))

# E-mail: the volunteer portal's one-time activation links go to the volunteer's own address
# (docs/volunteer-portal.md). Production sends through the SMTP relay configured here;
# development and the demo print the mail on the console. Tests use Django's memory outbox.
EMAIL_BACKEND = env(
    "TUPA_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("TUPA_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("TUPA_EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("TUPA_EMAIL_USER")
EMAIL_HOST_PASSWORD = env("TUPA_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("TUPA_EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env("TUPA_EMAIL_FROM", "tupa@localhost")

# Lockout after repeated failures (django-axes). Locks by username *and* by address, and the
# lockout page is the same whether or not the account exists.
AXES_FAILURE_LIMIT = int(env("TUPA_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("TUPA_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Not by address: a shelter office shares one public address, and five typos by one worker must
# not lock out the night shift. Address-based throttling belongs to the reverse proxy
# (docs/security.md).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tupa.accounts.views.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Sessions: idle timeout 30 min, absolute 12 h (enforced by SessionTimeoutMiddleware).
TUPA_SESSION_IDLE_TIMEOUT = timedelta(minutes=int(env("TUPA_SESSION_IDLE_MINUTES", "30")))
TUPA_SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=int(env("TUPA_SESSION_ABSOLUTE_HOURS", "12")))
SESSION_COOKIE_AGE = int(TUPA_SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "tupa_session"
CSRF_COOKIE_NAME = "tupa_csrftoken"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "tupa.core.views.csrf_failure"

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("suomi")), ("sv", _("svenska")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "tupa_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "tupa" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = BASE_DIR / "var" / "media"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Client attachments: never world-readable on disk, never served by a URL of their own
# (only through the permission-checked, logged journal view).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
TUPA_ATTACHMENT_MAX_BYTES = int(env("TUPA_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
# Uploads stay in memory up to the attachment limit plus the rest of the form (Django's
# DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB): an attachment that can be accepted never touches a
# shared temp file, which a killed worker would leave behind with a client document in it
# (issue 10). Only a larger request — refused anyway — spills to disk, and then into a private
# folder (0700; Django's temp files are 0600) that ``manage.py sweep_orphan_attachments``
# clears when the service starts and daily.
FILE_UPLOAD_MAX_MEMORY_SIZE = TUPA_ATTACHMENT_MAX_BYTES + 2_621_440
FILE_UPLOAD_TEMP_DIR = env("TUPA_UPLOAD_TEMP_DIR", str(BASE_DIR / "var" / "tmp" / "uploads"))
Path(FILE_UPLOAD_TEMP_DIR).mkdir(mode=0o700, parents=True, exist_ok=True)
# Outside production, WhiteNoise serves straight from the app directories (no collectstatic).
WHITENOISE_USE_FINDERS = not PRODUCTION
# Without autorefresh WhiteNoise lists every static file when the middleware is built. A server
# builds it once; the test client builds it for every test (each ``Client`` loads the
# middleware), which was 33 ms of every test with a client. In the tests it looks a file up
# when a /static/ URL is asked for instead, as in development.
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

# --- Web security -------------------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-tupa_session"
    CSRF_COOKIE_NAME = "__Host-tupa_csrftoken"

# --- Rate limits of the public answering pages (docs/surveys-answering.md) ------------------------
# django-ratelimit counts requests per client address in a cache that every server process shares:
# Django's database cache (``manage.py createcachetable`` makes its table; ``make demo`` runs it,
# the test database gets it automatically). The default cache stays the per-process memory cache.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "tupa_ratelimit_cache",
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
}
RATELIMIT_USE_CACHE = "ratelimit"
# Behind a reverse proxy, the header that carries the client's address (e.g. HTTP_X_REAL_IP).
RATELIMIT_IP_META_KEY = env("TUPA_CLIENT_IP_META_KEY", "REMOTE_ADDR")
# Requests to the answering pages per address, and lookups of a token that finds nothing.
TUPA_ANSWER_RATE = env("TUPA_ANSWER_RATE", "30/m")
TUPA_ANSWER_MISS_RATE = env("TUPA_ANSWER_MISS_RATE", "10/m")
# The automatic draft saves of a page being filled in (htmx) count apart, more generously.
TUPA_ANSWER_AUTOSAVE_RATE = env("TUPA_ANSWER_AUTOSAVE_RATE", "60/m")

# --- Background tasks (django-tasks, the backport of Django 6's tasks) ---------------------------
# Slow exports (PDF, the annual pack) run as tasks: the database backend keeps the queue in the
# database and ``manage.py db_worker`` runs it (``make demo`` starts one beside the server; in
# production it is a service of its own, docs/statistics.md). The test suite runs tasks at once,
# in the request (the immediate backend); tests of the real queue switch to the database backend.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

# --- Logging: structured JSON, never personal data ----------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "tupa.core.logging.JsonFormatter",
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env("TUPA_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- Tupa ----------------------------------------------------------------------------------------
TUPA_ORGANISATION_NAME = env("TUPA_ORGANISATION_NAME", "")
TUPA_DEMO = env_bool("TUPA_DEMO", default=False)
# After this many requests a process collects once and freezes its objects out of the cyclic
# collector's reach (tupa/core/collector.py, docs/performance.md); 0 switches it off.
#: Every reuse of a compiled query (tupa/core/shapes.py) also compiles it afresh and compares:
#: on in the tests and in development, so a query whose SQL is not fixed by its shape fails there.
TUPA_VERIFY_SHAPES = env_bool("TUPA_VERIFY_SHAPES", default=TESTING or DEBUG)
TUPA_GC_FREEZE_AFTER = int(env("TUPA_GC_FREEZE_AFTER", "0" if TESTING else "200"))
# Identity codes with individual numbers 900–999 are reserved for test use (never a real
# person). Only the demo accepts them, so that its fictional people cannot carry a real code.
TUPA_ALLOW_TEST_HETU = env_bool("TUPA_ALLOW_TEST_HETU", default=TUPA_DEMO)
# Volunteers (docs/volunteers.md) [verify with the association]: a criminal-record check seen
# within this many months is valid (Act 148/2014 sets no re-check interval), and the re-check
# list warns this many days before one expires.
TUPA_VOLUNTEER_RECORD_CHECK_MONTHS = int(env("TUPA_VOLUNTEER_RECORD_CHECK_MONTHS", "24"))
TUPA_VOLUNTEER_RECHECK_NOTICE_DAYS = int(env("TUPA_VOLUNTEER_RECHECK_NOTICE_DAYS", "60"))
SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False
SIMPLE_HISTORY_REVERT_DISABLED = True
# A change reason (a removal's or a correction's written reason, up to the form's limit) is kept
# whole: the library's default column is varchar(100), which PostgreSQL refuses to overflow.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
