"""Settings for cityhall.

One settings module, driven by the environment: the embedded default is SQLite (WAL) in the working
directory; ``DATABASE_URL`` selects another database (``postgresql://…``).
"""

import os
from pathlib import Path

import dj_database_url

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
    "cityhall.jobs",
    "cityhall.organisation",
    "cityhall.plans",
    "cityhall.budget",
    "cityhall.committees",
    "cityhall.bookings",
    "cityhall.notifications",
    "cityhall.documents",
    "cityhall.facilities",
    "cityhall.gis",
    "cityhall.telemetry",
    "cityhall.streetlights",
    "cityhall.traffic",
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
]

MIDDLEWARE = [
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CITYHALL_LOG_LEVEL", "WARNING")},
}

# CCTV control centre: the operators' wall (관제 모니터 24대, seed line 386; operators per shift assumed)
# and the event stream (unset: the webhook triages in-process, the embedded default).
CITYHALL_CCTV_MONITORS = int(os.environ.get("CITYHALL_CCTV_MONITORS", "24"))
CITYHALL_CCTV_OPERATORS_PER_SHIFT = int(os.environ.get("CITYHALL_CCTV_OPERATORS_PER_SHIFT", "4"))
CITYHALL_NATS_URL = os.environ.get("CITYHALL_NATS_URL", "")
