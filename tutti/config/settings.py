"""Settings for Tutti, read from the environment.

TUTTI_ENV is one of production | demo | test. Production refuses to start with a default
secret key or with DEBUG on; demo and test are conveniences for one machine.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
TUTTI_ENV = env.str("TUTTI_ENV", default="demo")
if TUTTI_ENV not in {"production", "demo", "test"}:
    raise ImproperlyConfigured("TUTTI_ENV must be one of production, demo or test")
PRODUCTION = TUTTI_ENV == "production"

INSECURE_DEFAULT_KEY = "django-insecure-tutti-demo-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_DEFAULT_KEY)
DEBUG = env.bool("DEBUG", default=TUTTI_ENV == "demo")
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

if PRODUCTION:
    if SECRET_KEY == INSECURE_DEFAULT_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "Set SECRET_KEY to a long random value (50+ characters) in production."
        )
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Set ALLOWED_HOSTS in production.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "rules.apps.AutodiscoverRulesConfig",
    "auditlog",
    "django_tasks",
    "django_tasks_db",
    "simple_history",
    # Tutti, one app per domain area
    "tutti.core",
    "tutti.geography",
    "tutti.accounts",
    "tutti.organisations",
    "tutti.programmes",
    "tutti.people",
    "tutti.referrals",
    "tutti.workforce",
    "tutti.outcomes",
    "tutti.fhir",
    "tutti.waitlist",
    "tutti.directory",
    "tutti.delivery",
    "tutti.reports",
]
if TUTTI_ENV != "production":
    INSTALLED_APPS.append("tutti.demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the body limit, so a refused oversized call is recorded too.
    "tutti.accounts.middleware.ApiCallAuditMiddleware",
    "tutti.core.middleware.ApiBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tutti.accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "tutti.core.middleware.AuditlogMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tutti.config.urls"
WSGI_APPLICATION = "tutti.config.wsgi.application"

TEMPLATES = [
    {
        # App pages: Jinja2 templates in each app's jinja2/ folder, with NHS.UK components.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "tutti.config.jinja2.environment"},
    },
    {
        # The Django admin (back office) keeps Django's own templates.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]

# SQLite in WAL mode under var/ by default; PostgreSQL through DATABASE_URL in production.
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'tutti.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            # Take the write lock at BEGIN, so two writers queue instead of failing mid-way.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate limits and short-lived counters. Per process by default; with several app processes
# set CACHE_URL to a shared cache (e.g. dbcache://tutti_cache after `createcachetable`).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
NINJA_NUM_PROXIES = env.int("PROXY_COUNT", default=0)
TUTTI_API_RATE_ANON = env.str("TUTTI_API_RATE_ANON", default="120/min")
TUTTI_API_RATE_TOKEN = env.str("TUTTI_API_RATE_TOKEN", default="6000/min")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TUTTI_ENV == "test":
    # Argon2 is deliberately slow; tests create hundreds of users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "accounts:sign_in"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

# Two-factor (TOTP) is required for every staff role in production.
TUTTI_REQUIRE_2FA = env.bool("TUTTI_REQUIRE_2FA", default=PRODUCTION)
OTP_TOTP_ISSUER = "Tutti"

# Lock-out after repeated failed sign-ins (django-axes).
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tutti.accounts.views.locked_out"
AXES_VERBOSE = False  # axes would otherwise log usernames
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0)
# One rule for the client's address everywhere (lock-out, audit, rate limits).
AXES_CLIENT_IP_CALLABLE = "tutti.core.audit.client_ip"

# Content-Security-Policy: our own scripts and styles only, inline scripts by nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Audit: every create, update and delete of a personal record (django-auditlog).
AUDITLOG_DISABLE_REMOTE_ADDR = False
AUDITLOG_INCLUDE_ALL_MODELS = False

# Background work: Django's tasks API with the database backend; run `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TUTTI_ENV == "test"
        else "django_tasks_db.DatabaseBackend"
    }
}

# Email: console in demo and test, SMTP (EMAIL_URL) in production.
EMAIL_CONFIG = env.email_url(
    "EMAIL_URL",
    default="consolemail://" if not PRODUCTION else "smtp://localhost:25",
)
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Tutti <no-reply@tutti.invalid>")
if TUTTI_ENV == "test":
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Text messages (session reminders): see tutti/delivery/sms.py for the interface.
# Production has no default sender: texts fail visibly until a provider is configured.
TUTTI_SMS_BACKEND = env.str(
    "TUTTI_SMS_BACKEND",
    default={
        "test": "tutti.delivery.sms.LocmemSmsBackend",
        "demo": "tutti.delivery.sms.ConsoleSmsBackend",
    }.get(TUTTI_ENV, "tutti.delivery.sms.DisabledSmsBackend"),
)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [
    ("nhsuk", BASE_DIR / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"),
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024  # form and JSON bodies; file uploads are separate

SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    if env.bool("BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logs carry no personal data: request paths hold ids only, never names or NHS numbers.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

TUTTI_SERVICE_NAME = "Tutti"
TUTTI_ORGANISATION_NAME = env.str("TUTTI_ORGANISATION_NAME", default="Tutti Music Therapy")
TUTTI_CONTACT_EMAIL = env.str("TUTTI_CONTACT_EMAIL", default="privacy@tutti.invalid")
# Offered to people who would rather phone than fill in a form (empty: the email above).
TUTTI_CONTACT_PHONE = env.str("TUTTI_CONTACT_PHONE", default="")
# The address of the site, for links in emails sent without a request to take it from
# (offers made by `manage.py allocate`, course registration warnings). Empty: no link is sent.
TUTTI_SITE_URL = env.str(
    "TUTTI_SITE_URL", default="http://127.0.0.1:8000" if TUTTI_ENV == "demo" else ""
)
