"""lindung settings. Everything a deployment changes comes from the environment (LINDUNG_*)."""
import os
from pathlib import Path

import dj_database_url

from lindung.keys import blind_index_key, encryption_keyring, read_or_create_secret, var_dir

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = var_dir()

SECRET_KEY = read_or_create_secret("django_secret_key", "LINDUNG_SECRET_KEY")
PII_ENCRYPTION_KEY = encryption_keyring()  # current key first, then the keys kept to read older values
PII_BLIND_INDEX_KEY = blind_index_key()

DEBUG = os.environ.get("LINDUNG_DEBUG", "") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("LINDUNG_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

# The regency (kabupaten/kota) this deployment serves, as Kemendagri writes it.
LINDUNG_REGENCY = os.environ.get("LINDUNG_REGENCY", "32.16")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "lindung",
    "lindung.accounts",
    "lindung.regions",
    "lindung.registry",
    "lindung.intake",
    "lindung.programmes",
    "lindung.billing",
    "lindung.enrolment",
    "lindung.claims",
    "lindung.coverage",
    "lindung.reports",
    "lindung.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lindung.accounts.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lindung.accounts.middleware.UserLanguageMiddleware",
    "lindung.accounts.audit.AuditContextMiddleware",
    "lindung.accounts.middleware.PrivatePagesMiddleware",
    "lindung.accounts.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "lindung.urls"
WSGI_APPLICATION = "lindung.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database_from_url(url: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=60)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            # WAL lets the web server read while the job worker writes.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; "
                "PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY; "  # 256 MB: bulk writes touch many index pages
                # Reading pages through a memory map instead of copying them halves the time of a scan over the
                # million-row register (the billing run reads every member's village); 2 GB is SQLite's ceiling.
                "PRAGMA mmap_size=2147418112;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
        config["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
    return config


DATABASES = {
    "default": database_from_url(
        os.environ.get("LINDUNG_DATABASE_URL") or f"sqlite:///{VAR_DIR / 'lindung.sqlite3'}"
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["lindung.accounts.backends.LockoutBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Repeated failed logins lock the account for a while.
LINDUNG_LOGIN_MAX_FAILURES = int(os.environ.get("LINDUNG_LOGIN_MAX_FAILURES", "5"))
LINDUNG_LOGIN_LOCK_MINUTES = int(os.environ.get("LINDUNG_LOGIN_LOCK_MINUTES", "15"))
# A session ends after this much idle time (every request renews it).
SESSION_COOKIE_AGE = int(os.environ.get("LINDUNG_SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Behind a TLS-terminating proxy (LINDUNG_TLS_PROXY=1): trust its X-Forwarded-Proto and X-Forwarded-For,
# send HSTS and keep cookies on HTTPS only. Django sends HSTS only on secure requests.
LINDUNG_TRUSTED_PROXY = os.environ.get("LINDUNG_TLS_PROXY", "") == "1"
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
if LINDUNG_TRUSTED_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals": {"()": "lindung.accounts.log_filters.RefusalsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["refusals"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LINDUNG_LOG_LEVEL", "WARNING")},
}
FORM_RENDERER = "lindung.forms.FormRenderer"

# Age window for registration (DOMAIN.md: unconfirmed, a local policy; the eligibility policy will version it).
LINDUNG_AGE_MIN = int(os.environ.get("LINDUNG_AGE_MIN", "15"))
LINDUNG_AGE_MAX = int(os.environ.get("LINDUNG_AGE_MAX", "65"))
LINDUNG_UPLOAD_MAX_MB = int(os.environ.get("LINDUNG_UPLOAD_MAX_MB", "200"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
