"""Settings for cityhall.

One settings module, driven by the environment: the embedded default is SQLite (WAL) in the working
directory; ``DATABASE_URL`` selects another database (``postgresql://…``).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("CITYHALL_DATA_DIR", Path.cwd() / "var"))
# The bundled dataset whose source text the record pages quote (cityhall/datasets/<name>/).
CITYHALL_DATASET = os.environ.get("CITYHALL_DATASET", "gimpo-2025")

DEBUG = os.environ.get("CITYHALL_DEBUG", "") == "1"
SECRET_KEY = os.environ.get("CITYHALL_SECRET_KEY", "")
if not SECRET_KEY:
    # The embedded default keeps a generated key beside its database so sessions survive restarts.
    from cityhall.core.secrets import local_secret_key

    SECRET_KEY = local_secret_key(DATA_DIR)

ALLOWED_HOSTS = [h for h in os.environ.get("CITYHALL_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CITYHALL_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    # First, so its templates (login, logout) win over the admin's.
    "cityhall.core",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "js_lib_leaflet",  # Leaflet's files, served from the installed package (the offline map)
    "cityhall.organisation",
    "cityhall.plans",
    "cityhall.budget",
    "cityhall.committees",
    "cityhall.bookings",
    "cityhall.notifications",
    "cityhall.documents",
    "cityhall.facilities",
    "cityhall.gis",
    "cityhall.maintenance",
    "cityhall.telemetry",
    "cityhall.streetlights",
    "cityhall.traffic",
    "cityhall.bus",
    "cityhall.pledges",
    "cityhall.participation",
    "cityhall.performance",
    "cityhall.it",
    "cityhall.legal",
    "cityhall.military",
    "cityhall.reform",
    "cityhall.finance",
    "cityhall.cctv",
    "cityhall.dashboard",
    "cityhall.jobs",
]

MIDDLEWARE = [
    # First: a request ID for every log line and the request metrics (cityhall/core/observability.py).
    "cityhall.core.observability.RequestObservabilityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "cityhall.core.navigation.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"


def _database() -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        return dj_database_url.parse(url, conn_max_age=60)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "cityhall.sqlite3",
        # WAL lets the web server read while the loader or an ingester writes (docs/adr/0001).
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
            "transaction_mode": "IMMEDIATE",
        },
    }


DATABASES = {"default": _database()}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", "한국어"), ("en", "English")]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "cityhall" / "locale"]

STATIC_URL = "static/"
# Serve static files straight from the installed packages (no collectstatic step, no CDN): 망분리.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = DATA_DIR / "static"  # only for `collectstatic` deployments; kept so WhiteNoise finds it
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Spatial queries (cityhall.gis.spatial, ADR 0024): "auto" runs them in PostGIS when the database is
# PostgreSQL with the postgis extension, else with shapely; "shapely" always in Python; "postgis"
# requires the extension.
CITYHALL_SPATIAL = os.environ.get("CITYHALL_SPATIAL", "auto")

# ITS detectors (docs/apps/traffic.md, ADR 0029): the share of vehicles with a DSRC on-board unit in
# the twin, the key of the OBU IDs' daily hash (default: SECRET_KEY), how long raw 30-s readings and
# hashed sightings are kept before the daily purge (roll-ups and travel times stay).
CITYHALL_DSRC_PENETRATION = float(os.environ.get("CITYHALL_DSRC_PENETRATION", "0.2"))
CITYHALL_DSRC_HASH_KEY = os.environ.get("CITYHALL_DSRC_HASH_KEY", "")
CITYHALL_DETECTOR_RAW_DAYS = int(os.environ.get("CITYHALL_DETECTOR_RAW_DAYS", "7"))
CITYHALL_DSRC_SIGHTING_DAYS = int(os.environ.get("CITYHALL_DSRC_SIGHTING_DAYS", "2"))

# The office calendar (cityhall.core.deadlines): closure days beyond the national holidays,
# "2026-12-31" or "2026-12-31:name", comma-separated.
CITYHALL_EXTRA_HOLIDAYS = [d for d in os.environ.get("CITYHALL_EXTRA_HOLIDAYS", "").split(",") if d.strip()]

# Notifications: e-mail through SMTP when CITYHALL_SMTP_HOST is set, otherwise written to files under the
# data directory (nothing leaves the machine); text messages through CITYHALL_SMS_BACKEND (default: 모의).
if os.environ.get("CITYHALL_SMTP_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["CITYHALL_SMTP_HOST"]
    EMAIL_PORT = int(os.environ.get("CITYHALL_SMTP_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("CITYHALL_SMTP_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("CITYHALL_SMTP_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("CITYHALL_SMTP_TLS") == "1"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("CITYHALL_MAIL_FROM", "noreply@gimpo.go.kr")
CITYHALL_SMS_BACKEND = os.environ.get("CITYHALL_SMS_BACKEND", "cityhall.notifications.sms.RecordingBackend")

# Background work (ADR 0019): django-tasks on the database — the demo runs a worker in its own process,
# production runs `cityhall manage jobs_worker`. CITYHALL_TASKS_BACKEND=immediate runs each task inside
# the call that enqueues it (no worker at all). CITYHALL_LIVE_JOBS=queue moves the live runtime's fault
# rules and roll-ups (ADR 0009) onto the queue's schedule.
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[os.environ.get("CITYHALL_TASKS_BACKEND", "database")]
    }
}
CITYHALL_LIVE_JOBS = os.environ.get("CITYHALL_LIVE_JOBS", "runtime")
# A task 'running' longer than this was left by a dead worker and goes back to the queue.
CITYHALL_JOBS_STALE_AFTER_S = int(os.environ.get("CITYHALL_JOBS_STALE_AFTER_S", "900"))

# The address the public reaches the site at, printed on certificates for their verification URL.
CITYHALL_PUBLIC_URL = os.environ.get("CITYHALL_PUBLIC_URL", "")
# How many reverse proxies stand before the application (their X-Forwarded-For entries name the
# client): per-address limits such as the certificate lookups count the real client, not the proxy.
CITYHALL_PROXY_COUNT = int(os.environ.get("CITYHALL_PROXY_COUNT", "0"))

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

SESSION_ENGINE = "cityhall.core.sessions"  # Django's database sessions, read with one fixed statement
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Behind TLS in production: CITYHALL_SECURE=1 turns on the HTTPS-only settings.
if os.environ.get("CITYHALL_SECURE") == "1":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


# CCTV control centre: the operators' wall (관제 모니터 24대, seed line 386; operators per shift assumed)
# and the event stream (unset: the webhook triages in-process, the embedded default).
CITYHALL_CCTV_MONITORS = int(os.environ.get("CITYHALL_CCTV_MONITORS", "24"))
CITYHALL_CCTV_OPERATORS_PER_SHIFT = int(os.environ.get("CITYHALL_CCTV_OPERATORS_PER_SHIFT", "4"))
CITYHALL_NATS_URL = os.environ.get("CITYHALL_NATS_URL", "")
# Partitions of the event stream by camera: one triage worker each (cityhall-cctv@N); the intake
# and every worker must agree on it.
CITYHALL_CCTV_PARTITIONS = int(os.environ.get("CITYHALL_CCTV_PARTITIONS", "1"))
if not 1 <= CITYHALL_CCTV_PARTITIONS <= 64:
    raise ImproperlyConfigured("CITYHALL_CCTV_PARTITIONS must be between 1 and 64")
# A refused video request has no retention date of its own: its requester's data is erased this many
# days after the refusal (예시 setting; docs/security.md).
CITYHALL_CCTV_REJECTED_RETENTION_DAYS = int(os.environ.get("CITYHALL_CCTV_REJECTED_RETENTION_DAYS", "365"))
# Recipients' addresses and the text of sent messages are erased this many days after (예시 setting).
CITYHALL_NOTIFICATION_RETENTION_DAYS = int(os.environ.get("CITYHALL_NOTIFICATION_RETENTION_DAYS", "365"))

# ---- Security: sign-in, second factor, sessions, CSP, personal data (docs/security.md, ADR 0018) -------
INSTALLED_APPS += [
    "axes",  # throttling and lock-out of password guesses
    "django_otp",
    "django_otp.plugins.otp_totp",  # authenticator apps (TOTP) for the second factor
    "django_otp.plugins.otp_static",  # one-time backup codes (stored as keyed hashes, core.two_factor)
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware"
)
_AUTH_MIDDLEWARE = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
MIDDLEWARE.insert(_AUTH_MIDDLEWARE + 1, "django_otp.middleware.OTPMiddleware")
_MESSAGE_MIDDLEWARE = MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware")
MIDDLEWARE[_MESSAGE_MIDDLEWARE + 1 : _MESSAGE_MIDDLEWARE + 1] = [
    "cityhall.core.security.SessionExpiryMiddleware",
    "cityhall.core.security.TwoFactorMiddleware",
]
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last, as django-axes asks
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out caller before the password check
    "cityhall.core.sessions.AccountBackend",  # Django's ModelBackend, reading the signed-in user leaner
]
# Five wrong passwords for one account from one address lock that pair for 15 minutes. Not the address
# alone: the office reaches the site through one NAT address, and one guesser must not lock out 82 staff.
AXES_FAILURE_LIMIT = int(os.environ.get("CITYHALL_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("CITYHALL_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cityhall.core.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "cityhall.core.security.axes_client_ip"  # the same address rule as core.throttle
AXES_VERBOSE = False
# The second factor for the director, administrators and admin-site staff: on by default behind TLS
# (CITYHALL_SECURE=1, production); the embedded demo leaves it off unless CITYHALL_REQUIRE_2FA=1.
CITYHALL_REQUIRE_2FA = os.environ.get("CITYHALL_REQUIRE_2FA", os.environ.get("CITYHALL_SECURE", "0")) == "1"
OTP_TOTP_ISSUER = "김포시 기획조정실"  # the name the authenticator app shows beside the code
# Sessions end after 30 minutes without a request and 10 hours after the password, whatever the activity.
CITYHALL_SESSION_IDLE_SECONDS = int(os.environ.get("CITYHALL_SESSION_IDLE_MINUTES", "30")) * 60
CITYHALL_SESSION_ABSOLUTE_SECONDS = int(os.environ.get("CITYHALL_SESSION_ABSOLUTE_HOURS", "10")) * 3600
SESSION_COOKIE_AGE = CITYHALL_SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Content-Security-Policy: scripts and styles from our own files only (no inline code, no eval);
# images may be data: URIs (the QR code of the TOTP enrolment).
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
    },
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CITYHALL_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
MIDDLEWARE.insert(
    MIDDLEWARE.index("csp.middleware.CSPMiddleware") + 1, "cityhall.core.security.PermissionsPolicyMiddleware"
)
# HSTS preload puts the domain on the browsers' built-in list, hard to undo: the city's domain holders
# decide it (CITYHALL_HSTS_PRELOAD=1); until then `check --deploy` is told not to ask.
SECURE_HSTS_PRELOAD = os.environ.get("CITYHALL_HSTS_PRELOAD") == "1"
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Encryption at rest of identifiers the law asks to protect (resident and account numbers,
# cityhall.core.personal_data): Fernet keys, comma-separated, newest first (the rotation in docs/security.md).
CITYHALL_PERSONAL_DATA_KEYS = [
    k.strip() for k in os.environ.get("CITYHALL_PERSONAL_DATA_KEYS", "").split(",") if k.strip()
]
# ---- end of security -------------------------------------------------------------------------------------
# ---------------------------------------------------------------------------------------------------
# Production: deployment, backups, observability (docs/production.md lists every variable).
# ---------------------------------------------------------------------------------------------------
# Uploaded files kept on disk (most uploads are stored in the database); backed up with it.
MEDIA_ROOT = Path(os.environ.get("CITYHALL_MEDIA_DIR", DATA_DIR / "media"))
MEDIA_URL = "media/"
# Database connections: kept open between requests, checked before reuse (a restarted PostgreSQL). On
# SQLite too: opening a connection and running its pragmas cost more than a simple page's own work.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CITYHALL_DB_CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# HSTS when CITYHALL_SECURE=1: its length, and the browsers' preload list only when asked for.
if os.environ.get("CITYHALL_SECURE") == "1":
    SECURE_HSTS_SECONDS = int(os.environ.get("CITYHALL_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_PRELOAD = os.environ.get("CITYHALL_HSTS_PRELOAD") == "1"
    # Probes and scrapers talk plain HTTP to the application server directly, not through the proxy.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

# Backups (cityhall backup / restore): where they go and how many are kept (daily, weekly, monthly).
CITYHALL_BACKUP_DIR = Path(os.environ.get("CITYHALL_BACKUP_DIR", DATA_DIR / "backups"))
CITYHALL_BACKUP_KEEP = {
    "daily": int(os.environ.get("CITYHALL_BACKUP_KEEP_DAILY", "7")),
    "weekly": int(os.environ.get("CITYHALL_BACKUP_KEEP_WEEKLY", "4")),
    "monthly": int(os.environ.get("CITYHALL_BACKUP_KEEP_MONTHLY", "12")),
}

# Metrics (/metrics): with CITYHALL_METRICS_TOKEN set, a scraper sends "Authorization: Bearer <token>";
# without it, only direct requests (no proxy header) from CITYHALL_METRICS_NETWORKS are answered.
CITYHALL_METRICS_TOKEN = os.environ.get("CITYHALL_METRICS_TOKEN", "")
CITYHALL_METRICS_NETWORKS = [
    n.strip()
    for n in os.environ.get("CITYHALL_METRICS_NETWORKS", "127.0.0.0/8,::1/128").split(",")
    if n.strip()
]
# Readiness (/readyz): the checks whose failure makes it answer 503 (the others are reported only),
# and how old the newest telemetry may be before the live runtime counts as stalled.
CITYHALL_READY_REQUIRE = [
    c.strip() for c in os.environ.get("CITYHALL_READY_REQUIRE", "database").split(",") if c.strip()
]
CITYHALL_TELEMETRY_MAX_AGE = int(os.environ.get("CITYHALL_TELEMETRY_MAX_AGE", "300"))

# Logs: one line per record on standard error, "text" (default) or "json" (one object per line, with
# the request ID a proxy sent in X-Request-ID or one made here), at CITYHALL_LOG_LEVEL.
CITYHALL_LOG_FORMAT = os.environ.get("CITYHALL_LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "cityhall.core.observability.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if CITYHALL_LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("CITYHALL_LOG_LEVEL", "WARNING")},
}
