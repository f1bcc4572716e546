"""Settings for the GCC Partner Portal, read from the environment.

Defaults are the embedded ones (SQLite and kombu's filesystem broker under ``var/``).
``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL and Redis. With ``DEBUG`` off,
``SECRET_KEY`` and ``ALLOWED_HOSTS`` are required and the site runs with HTTPS hardening.
"""

import ipaddress
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
VAR_DIR = BASE_DIR / env.str("GCC_VAR_DIR", default="var")  # relative to the project
VAR_DIR.mkdir(parents=True, exist_ok=True)
# Uploaded evidence: through the default storage, never served by a public URL (no MEDIA_URL).
MEDIA_ROOT = VAR_DIR / "media"
GCC_EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
GCC_EVIDENCE_MAX_FILES = 5

# --- Core ---------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-only-for-debug")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
else:
    SECRET_KEY = env.str("SECRET_KEY")  # no default: a deploy without one fails at boot
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Third party
    "crispy_forms",
    "crispy_bootstrap5",
    "django_include_bootstrap",
    "django_htmx",
    "csp",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    # Ours, from the ground floor up (the import-linter contract in pyproject.toml is the map)
    "ops",
    "partners",
    "validation",
    "customers",
    "relationships",
    "orders",
    "api",
    "console",
]

MIDDLEWARE = [
    # First, before anything reads the request: forwarding headers (X-Forwarded-For, -Proto, ...)
    # are dropped unless the connection comes from a trusted proxy (GCC_TRUSTED_PROXIES).
    "lib.forwarded.ForwardedHeadersMiddleware",
    # Then: any /v1/ error, whatever wrote it, leaves as Partner Center's JSON error body.
    "api.middleware.ApiErrorMiddleware",
    # Every response (redirects and errors too) carries the request and correlation ids.
    "lib.logging.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the switcher's cookie, else Accept-Language (then lib.i18n, below).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with a second factor in this session (django-otp).
    "django_otp.middleware.OTPMiddleware",
    # A signed-in user's language is the profile's; /v1/ is English whatever the caller's.
    "lib.i18n.LanguageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # history rows name the user
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle timeout, absolute lifetime, no-store on signed-in pages (lib/sessions.py).
    "lib.sessions.SessionLimitsMiddleware",
    # Partner users, reviewers and ops pass a second factor before anything else
    # (partners/factors.py).
    "partners.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Hands out the device cookie after a successful sign-in (lib/signin.py).
    "lib.signin.DeviceCookieMiddleware",
    # Last, as django-axes asks: turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gccportal.urls"
WSGI_APPLICATION = "gccportal.wsgi.application"

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
                "partners.context_processors.workspace",
            ],
            # {% load portal %}: |money (prices in the reader's number format).
            "libraries": {"portal": "lib.templatetags.portal"},
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'gccportal.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A web process and a worker write at once: WAL plus IMMEDIATE transactions make
    # writers queue for the lock instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory: a real Celery worker process must see the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-gccportal.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "partners.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    # First: refuses a sign-in while its username + address is locked out.
    "axes.backends.AxesStandaloneBackend",
    # Then: refuses a sign-in without a device cookie while its username is over its ceiling.
    "lib.signin.UsernameCeilingBackend",
    "partners.backends.PartnerUserBackend",
]
# Sign-in throttling, in two parts (lib/signin.py). Covers the portal's, the customer admin
# center's and the reviewers' admin sign-in.
# 1. Per username and address (django-axes, failures kept in the database): after
#    AXES_FAILURE_LIMIT wrong passwords for one username from one client address, that pair is
#    locked out for AXES_COOLOFF_MINUTES (from the failure that locked it: attempts while locked
#    out don't extend it). Keyed on the pair, so nobody can lock a user out from elsewhere. The
#    address is the real client's: X-Forwarded-For counts only from GCC_TRUSTED_PROXIES
#    (lib/forwarded.py), or everyone behind the proxy would share one address and one lock.
#    Ops lift a lockout early with `manage.py axes_reset_username USERNAME`.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "lib.forwarded.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_LOCKOUT_CALLABLE = "lib.signin.lockout_response"
# Every failure with its time (the ceiling below counts them); prune old rows with
# `manage.py axes_reset_failure_logs --age DAYS`.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
# 2. Per username, from any address (the ceiling against guessing spread over many addresses):
#    once a username has had more than GCC_SIGNIN_USERNAME_FAILURE_LIMIT failures within
#    GCC_SIGNIN_USERNAME_WINDOW_MINUTES, a sign-in from a browser without that user's device
#    cookie is refused ("try again in S seconds", 429) until GCC_SIGNIN_DELAY_SECONDS after the
#    last failure, doubling with each further failure up to GCC_SIGNIN_DELAY_MAX_SECONDS (keep the
#    window longer than that cap, or the doubling starts over). A browser the user signed in
#    from before (its device cookie lasts GCC_SIGNIN_DEVICE_COOKIE_DAYS, and changing the password
#    retires it) is never held back by the ceiling, so strangers can't lock the user out.
GCC_SIGNIN_USERNAME_FAILURE_LIMIT = env.int("GCC_SIGNIN_USERNAME_FAILURE_LIMIT", default=10)
GCC_SIGNIN_USERNAME_WINDOW_MINUTES = env.int("GCC_SIGNIN_USERNAME_WINDOW_MINUTES", default=60)
GCC_SIGNIN_DELAY_SECONDS = env.int("GCC_SIGNIN_DELAY_SECONDS", default=30)
GCC_SIGNIN_DELAY_MAX_SECONDS = env.int("GCC_SIGNIN_DELAY_MAX_SECONDS", default=900)
GCC_SIGNIN_DEVICE_COOKIE_DAYS = env.int("GCC_SIGNIN_DEVICE_COOKIE_DAYS", default=90)
# Forgot password (partners/passwords.py): a reset link works once, for this long; at most this
# many reset emails go to one account an hour.
PASSWORD_RESET_TIMEOUT = env.int("GCC_PASSWORD_RESET_MINUTES", default=60) * 60
GCC_PASSWORD_RESET_EMAILS_PER_HOUR = env.int("GCC_PASSWORD_RESET_EMAILS_PER_HOUR", default=3)

# Second factor (partners/factors.py; django-otp, its TOTP and static-token plugins, and
# django-otp-webauthn for passkeys and security keys):
#    GCC_MFA_REQUIRED: every partner user, reviewer and ops account must have one (an
#    authenticator app or a passkey) and use it at each sign-in; without one they are sent to
#    enrolment right after the password. Off (the run command's demo default), enrolling is
#    optional, but a user who has a factor still has to use it.
#    GCC_MFA_STEP_UP_MINUTES: creating an API token, changing a user's role and a reviewer's bulk
#    decisions ask for the second factor again when it was last used longer ago than this.
GCC_MFA_REQUIRED = env.bool("GCC_MFA_REQUIRED", default=True)
GCC_MFA_STEP_UP_MINUTES = env.int("GCC_MFA_STEP_UP_MINUTES", default=5)
GCC_MFA_RECOVERY_CODES = 10
OTP_TOTP_ISSUER = "GCC Partner Portal"
OTP_WEBAUTHN_RP_NAME = "GCC Partner Portal"
# The relying party (the passkey's domain) and the allowed origin are GCC_SITE_URL's, read
# per request by the helper (the two settings below are what the library's checks look at).
OTP_WEBAUTHN_HELPER_CLASS = "partners.passkeys.PasskeyHelper"
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False  # a passkey is the second factor, after the password
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation -----------------------------------------------------------------
# English and Spanish (the source page's language). Before sign-in the browser's
# Accept-Language (or the switcher's cookie) picks one; after it, the user's profile does
# (lib/i18n.py). /v1/ always answers in English, as Partner Center's API does. The catalogs are
# locale/<lang>/LC_MESSAGES/django.po, compiled to the committed .mo by `python3 run.py
# messages compile` (no system gettext needed); docs/i18n.md says how to add one.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["lib.formats"]  # dates day-first in Spanish, the US zone named in both
LANGUAGE_COOKIE_NAME = "gcc_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "America/New_York"  # Microsoft's review clock runs on US Eastern business days
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},  # MEDIA_ROOT
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Uploaded files (evidence documents) in an S3-compatible bucket instead of MEDIA_ROOT: set
# AWS_STORAGE_BUCKET_NAME (and AWS_S3_ENDPOINT_URL for MinIO or another non-AWS service; the
# keys as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or boto3's usual sources). django-storages
# reads the AWS_* settings below. The objects stay private: the portal streams them through
# its own authorized views, never by the bucket's URL or a signed link.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="us-east-1")
    AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default="") or None
    AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default="") or None
    AWS_S3_ADDRESSING_STYLE = "path"  # MinIO's default; AWS accepts it too
    AWS_DEFAULT_ACL = "private"
    AWS_S3_FILE_OVERWRITE = False  # the names are fresh uuids anyway
    AWS_S3_MAX_MEMORY_SIZE = 1024 * 1024  # a downloaded object over 1 MB spools to disk

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email --------------------------------------------------------------------------------
# EMAIL_URL (smtp://user:password@host:port, consolemail://, ...) picks the backend. Unset, the
# embedded default writes each message as a file under EMAIL_FILE_PATH (default var/mail/).
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(BASE_DIR / env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail")))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="GCC Partner Portal <noreply@gcc.test>")

# --- Security -----------------------------------------------------------------------------
# The reverse proxies whose forwarding headers are believed (X-Forwarded-For: the client's
# address; X-Forwarded-Proto: https), as comma-separated addresses or CIDRs. Empty, the
# default, believes nobody's: set it to the proxy in front (docker-compose.yml sets the
# proxy's address), and give gunicorn the same list (--forwarded-allow-ips). lib/forwarded.py.
GCC_TRUSTED_PROXIES = [
    str(ipaddress.ip_network(entry, strict=False))  # a typo fails at boot, not per request
    for entry in env.list("GCC_TRUSTED_PROXIES", default=[])
]
SESSION_COOKIE_HTTPONLY = True
# A signed-in session ends after this many minutes without a request, and this many hours after
# the sign-in whatever happens (lib/sessions.py); the cookie expires with the second.
GCC_SESSION_IDLE_MINUTES = env.int("GCC_SESSION_IDLE_MINUTES", default=30)
GCC_SESSION_MAX_HOURS = env.int("GCC_SESSION_MAX_HOURS", default=12)
SESSION_COOKIE_AGE = GCC_SESSION_MAX_HOURS * 3600
# Browser features no page of the portal uses are off for every page (django-permissions-policy);
# WebAuthn (passkeys) stays allowed for the portal's own origin.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "usb": [],
    "publickey-credentials-create": ["self"],
    "publickey-credentials-get": ["self"],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    # Safe to believe: ForwardedHeadersMiddleware drops the header unless a trusted proxy sent it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probes speak plain HTTP inside the network
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "form-action": ["'self'", "mailto:"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- Celery -------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
else:
    # The embedded default: a real worker and beat with no server, messages as files, through
    # kombu's filesystem transport with atomic writes and exclusive claims (lib/broker.py).
    BROKER_DIR.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT = "lib.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR),
        "data_folder_out": str(BROKER_DIR),
        # How long the worker waits before looking again at an empty folder, or when it
        # already holds its prefetch of messages: 20 ms keeps bursts flowing.
        "polling_interval": 0.02,
    }
    # No broadcasts on files: remote control (and mingle, gossip: run.py's flags) stay off.
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
CELERY_TASK_DEFAULT_QUEUE = env.str("GCC_CELERY_QUEUE", default="gccportal")
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True  # a worker that dies mid-task leaves the message to redo
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must not hang a web request when the broker is down: the sweep catches up.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
GCC_SWEEP_INTERVAL_SECONDS = env.float("GCC_SWEEP_INTERVAL_SECONDS", default=60.0)
CELERY_BEAT_SCHEDULE = {
    "sweep-validation-reviews": {
        "task": "validation.tasks.sweep_reviews_task",
        "schedule": GCC_SWEEP_INTERVAL_SECONDS,
    },
    "sweep-pending-orders": {
        "task": "orders.tasks.sweep_pending_orders_task",
        "schedule": GCC_SWEEP_INTERVAL_SECONDS,
    },
    "renew-subscriptions": {
        "task": "orders.tasks.renew_subscriptions_task",
        "schedule": GCC_SWEEP_INTERVAL_SECONDS,
    },
    "expire-relationship-requests": {
        "task": "relationships.tasks.expire_relationship_requests_task",
        "schedule": 3600.0,
    },
    "purge-idempotent-api-responses": {
        "task": "api.tasks.purge_idempotent_responses_task",
        "schedule": 3600.0,
    },
    "send-pending-emails": {
        "task": "ops.tasks.send_pending_emails_task",
        "schedule": GCC_SWEEP_INTERVAL_SECONDS,
    },
    "worker-heartbeat": {
        "task": "ops.tasks.worker_heartbeat_task",
        "schedule": env.float("GCC_HEARTBEAT_INTERVAL_SECONDS", default=30.0),
    },
}

# --- The review clock ---------------------------------------------------------------------
# Unset: real US business days. A number N: one business day lasts N seconds (demos, tests).
GCC_REVIEW_BUSINESS_DAY_SECONDS = env.float("GCC_REVIEW_BUSINESS_DAY_SECONDS", default=None)
GCC_REVIEW_BUSINESS_DAYS = 2
# A subscription may be cancelled, and its seats reduced, this many days after its purchase
# or renewal (orders/terms.py; days of the demo clock when it is set).
GCC_SUBSCRIPTION_CANCEL_WINDOW_DAYS = env.int("GCC_SUBSCRIPTION_CANCEL_WINDOW_DAYS", default=7)
GCC_SWEEP_BATCH_SIZE = env.int("GCC_SWEEP_BATCH_SIZE", default=50)
# The review sweep decides its batches set-based (validation.services.sweep_reviews): bigger.
GCC_SWEEP_REVIEW_BATCH_SIZE = env.int("GCC_SWEEP_REVIEW_BATCH_SIZE", default=500)
# On PostgreSQL a tick runs this many review batches at once (threads, one connection each):
# while one waits for the database, another works.
GCC_SWEEP_REVIEW_THREADS = env.int("GCC_SWEEP_REVIEW_THREADS", default=2)
# A beat tick of a sweep (reviews, pending orders, the email outbox) keeps taking batches until
# nothing is left or this many seconds are spent (never more than half the interval).
GCC_SWEEP_TIME_BUDGET_SECONDS = env.float("GCC_SWEEP_TIME_BUDGET_SECONDS", default=20.0)
# A request or order whose sweep raises is tried once per sweep, this many times in a row, then
# set aside as stuck (with its error) until someone retries it; the other items go on.
GCC_SWEEP_MAX_ATTEMPTS = env.int("GCC_SWEEP_MAX_ATTEMPTS", default=3)

# --- Logging ------------------------------------------------------------------------------
# One line per event, key=value (LOG_FORMAT=logfmt, the default) or JSON (LOG_FORMAT=json),
# each carrying the request id and correlation id of the HTTP request, or the Celery task id.
# Celery workers use this configuration too (gccportal/celery.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "lib.logging.ContextFilter"}},
    "formatters": {
        "structured": {
            "()": "lib.logging.StructuredFormatter",
            "style": env.str("LOG_FORMAT", default="logfmt"),
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "structured",
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Links in emails ----------------------------------------------------------------------
# Where the Questions page and the emails send people for help with a validation (invented:
# this portal is not Microsoft's; set your own team's address).
GCC_VALIDATION_SUPPORT_EMAIL = env.str(
    "GCC_VALIDATION_SUPPORT_EMAIL", default="gcc-validation-support@microsoft.test"
)
GCC_SITE_URL = env.str("GCC_SITE_URL", default="http://localhost:8000").rstrip("/")
OTP_WEBAUTHN_RP_ID = urlsplit(GCC_SITE_URL).hostname
OTP_WEBAUTHN_ALLOWED_ORIGINS = [GCC_SITE_URL]

# --- Audit history (django-simple-history) ------------------------------------------------
# History is the audit trail: reverting from it would skip the services' rules.
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Notifications, health ----------------------------------------------------------------
GCC_EMAIL_MAX_ATTEMPTS = env.int("GCC_EMAIL_MAX_ATTEMPTS", default=8)
GCC_HEALTH_BROKER_TIMEOUT_SECONDS = env.float("GCC_HEALTH_BROKER_TIMEOUT_SECONDS", default=3.0)

# --- Customers ----------------------------------------------------------------------------
GCC_VALIDATION_CODE_MAX_CREATES = env.int("GCC_VALIDATION_CODE_MAX_CREATES", default=5)
# Caps on customer GCC validation requests (each emails a contact the submitter chose; each
# approval issues a code): open at once per partner; codes issued in 24 hours plus open requests
# per partner; requests naming one contact email in 24 hours (any partner). Refused with a 429.
GCC_VALIDATION_OPEN_REQUESTS_MAX = env.int("GCC_VALIDATION_OPEN_REQUESTS_MAX", default=100)
GCC_VALIDATION_CODES_PER_DAY_MAX = env.int("GCC_VALIDATION_CODES_PER_DAY_MAX", default=100)
GCC_VALIDATION_REQUESTS_PER_CONTACT_PER_DAY_MAX = env.int(
    "GCC_VALIDATION_REQUESTS_PER_CONTACT_PER_DAY_MAX", default=20
)
GCC_RELATIONSHIP_LINK_DAYS = env.int("GCC_RELATIONSHIP_LINK_DAYS", default=14)
# How long a rendered page of a partner's customer list is kept in the cache (0: not kept).
# Pages are filed under the partner's book version, so a change to the book is seen at once;
# this bounds only how long an unused page takes room.
GCC_BOOK_PAGE_CACHE_SECONDS = env.int("GCC_BOOK_PAGE_CACHE_SECONDS", default=300)

# --- The /v1/ API -------------------------------------------------------------------------
# The sandbox's own routes, not in Partner Center (POST …/validations: a customer validation
# request submitted through the API). On by default for demos and tooling tests; a deployment
# that must mirror Partner Center only turns them off (docker-compose.yml does).
GCC_API_SANDBOX_ROUTES = env.bool("GCC_API_SANDBOX_ROUTES", default=True)
# Requests per token, counted in Django's cache (set REDIS_URL so processes share the count).
GCC_API_RATE = env.str("GCC_API_RATE", default="600/min")
# Bounds each cache connect and read: a dead or blackholed Redis delays a /v1/ request by about
# this much (the throttle then fails open, api/auth.py).
GCC_CACHE_TIMEOUT_SECONDS = env.float("GCC_CACHE_TIMEOUT_SECONDS", default=0.5)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": GCC_CACHE_TIMEOUT_SECONDS,
                "socket_timeout": GCC_CACHE_TIMEOUT_SECONDS,
            },
        }
    }
# Larger /v1/ request bodies are refused with a 413 before anything reads them.
GCC_API_MAX_BODY_BYTES = env.int("GCC_API_MAX_BODY_BYTES", default=1024 * 1024)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.auth.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.auth.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["api.renderers.JsonRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.StrictJsonParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "GCC Partner Portal API (Partner Center-shaped sandbox)",
    "DESCRIPTION": "Partner Center's /v1/ routes for the GCC flows, served by the portal.",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
}
