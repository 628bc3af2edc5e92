"""Settings shared by every environment; environments override in thin modules."""

import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_networks, env_required, env_str  # noqa: F401
from config.observability import env_admins, env_log_format

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("KEQIAO_VAR_DIR") or BASE_DIR / "var")

DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "keqiao.accounts.admin_config.KeqiaoAdminConfig",  # django.contrib.admin behind the platform's sign-in
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "ninja",  # the API docs' Swagger UI from the package's own static files, not a CDN
    "csp",
    "keqiao.common",
    "keqiao.accounts",
    "keqiao.notifications",
    "keqiao.patents",
    "keqiao.achievements",
    "keqiao.demands",
    "keqiao.registries",
    "keqiao.matching",
    "keqiao.deals",
    "keqiao.negotiations",
    "keqiao.contracts",
    "keqiao.reviews",
    "keqiao.evaluation",
    "keqiao.trading",
    "keqiao.challenges",
    "keqiao.events",
    "keqiao.exchange",
    "keqiao.governance",
    "keqiao.supervision",
    "keqiao.annualreports",
    "keqiao.search",
    "keqiao.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "keqiao.common.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "keqiao.common.maintenance.MaintenanceModeMiddleware",  # before anything that touches the database
    "django.contrib.sessions.middleware.SessionMiddleware",
    "keqiao.common.middleware.ChineseFirstLocaleMiddleware",
    "keqiao.common.input_guard.RejectNulMiddleware",
    "keqiao.accounts.middleware.AdminNetworkMiddleware",
    "keqiao.common.middleware.PrivateDownloadsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "keqiao.accounts.middleware.OfficialIdleTimeoutMiddleware",
    "keqiao.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.i18n",
                "keqiao.portal.context_processors.platform",
                "keqiao.notifications.context_processors.unread",
            ],
        },
    },
]

# Database: embedded SQLite (WAL) unless DATABASE_URL names another server.
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'keqiao.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
# Password-reset links work once and for this long (seconds; Django's default is three days).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 2 * 3600)
LOGIN_REDIRECT_URL = "portal:workbench"
LOGOUT_REDIRECT_URL = "portal:home"

# Sign-in throttling (docs/operator-guide.md §6.1): django-axes records the failures and refuses locked
# sign-ins; the rules (per address, per account from one address, per account; locks that double up to
# a short cap) are decided in keqiao/accounts/throttling.py, which says why axes' own check is replaced.
AXES_HANDLER = "keqiao.accounts.throttling.SignInThrottleHandler"
AXES_LOCKOUT_CALLABLE = "keqiao.accounts.throttling.lockout_response"
AXES_CLIENT_IP_CALLABLE = "keqiao.common.network.client_ip"  # X-Forwarded-For only from trusted proxies
AXES_LOCKOUT_PARAMETERS = ["ip_address", ["username", "ip_address"], "username"]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)  # one account from one address
# How long failures are remembered (each lock itself lasts minutes, see KEQIAO["SIGNIN_LOCK_*"]).
AXES_COOLOFF_TIME = timedelta(hours=env_int("KEQIAO_SIGNIN_MEMORY_HOURS", 24))
AXES_RESET_ON_SUCCESS = True
# Attempts while locked are refused without being counted: nobody can stretch a lock by hammering it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False

# Two-factor sign-in (keqiao/accounts/twofactor.py): codes from an authenticator app (django-otp), the
# issuer shown in the app; keys are not shown in the admin. Each wrong code doubles the wait before the
# next try (1, 2, 4, … seconds).
OTP_TOTP_ISSUER = "科桥 Keqiao"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
AXES_VERBOSE = False  # no "AXES: BEGIN version …" banner on every management command

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files served at the site's root by WhiteNoise (the /favicon.ico browsers ask for without a link).
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# Cache: Redis when REDIS_URL is set, local memory otherwise.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work: Celery with Redis when configured, inline otherwise.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or REDIS_URL
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    # Tasks run inline; never try to reach a broker. The host is named so that kombu does not warn
    # "No hostname was supplied. Reverting to default 'localhost'" whenever a task is sent.
    CELERY_BROKER_URL = "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE

# E-mail: EMAIL_BACKEND=smtp, console or file; unset, SMTP when EMAIL_HOST is set and the console otherwise.
EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
}
EMAIL_HOST = env_str("EMAIL_HOST")
_EMAIL_KIND = (env_str("EMAIL_BACKEND") or ("smtp" if EMAIL_HOST else "console")).strip().lower()
if _EMAIL_KIND not in EMAIL_BACKENDS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"EMAIL_BACKEND={_EMAIL_KIND!r} must be one of {', '.join(EMAIL_BACKENDS)}.")
if _EMAIL_KIND == "smtp" and not EMAIL_HOST:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("EMAIL_BACKEND=smtp needs EMAIL_HOST (the SMTP relay).")
EMAIL_BACKEND = EMAIL_BACKENDS[_EMAIL_KIND]
EMAIL_HOST = EMAIL_HOST or "localhost"
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
# EMAIL_BACKEND=file: one file per message in this directory (for a trial installation without a relay).
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH") or str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "科桥 Keqiao <noreply@keqiao.example>")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# Error reports: with ADMINS set ("Name <a@b>, Other <c@d>"), every server error (500) is mailed to them.
ADMINS = env_admins("ADMINS")
SERVER_EMAIL = env_str("SERVER_EMAIL") or DEFAULT_FROM_EMAIL

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

NINJA_PAGINATION_PER_PAGE = 20

# LOG_FORMAT=json: one JSON object per line (config/observability.py). The keqiao and django loggers
# propagate to the root's handler; Django's own mail_admins handler on "django" is kept.
LOG_FORMAT = env_log_format("LOG_FORMAT")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "config.observability.JsonLinesFormatter"},
        # Celery's worker and beat use this one in text mode (config/celery.py): time, level and logger.
        "text": {"format": "[%(asctime)s] %(levelname)s %(name)s: %(message)s"},
    },
    # Unsubscribe and password-reset tokens never reach a log line.
    "filters": {"redact_tokens": {"()": "config.observability.RedactTokensFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact_tokens"],
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Celery's INFO lines are for its worker and beat (config/celery.py raises them there); web processes
    # sending tasks stay quiet.
    "loggers": {"jieba": {"level": "WARNING"}, "celery": {"level": "WARNING"}},
}

# Domain settings (see docs/operator-guide.md).
_RESERVED_PATHS = (
    "accounts",
    "achievements",
    "demands",
    "matching",
    "deals",
    "governance",
    "supervision",
    "annual-reports",
    "i18n",
    "api",
    "static",
    "media",
    "healthz",
    "holders",
)
_OFFICE_CODE = env_str("KEQIAO_REGISTRATION_OFFICE_CODE", "511")
if not (_OFFICE_CODE and len(_OFFICE_CODE) == 3 and _OFFICE_CODE.isdigit()):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"KEQIAO_REGISTRATION_OFFICE_CODE={_OFFICE_CODE!r} must be exactly 3 digits.")
_CONTRACT_REGION = env_str("KEQIAO_CONTRACT_REGION_CODE", "511400")
if not (len(_CONTRACT_REGION) == 6 and _CONTRACT_REGION.isdigit()):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"KEQIAO_CONTRACT_REGION_CODE={_CONTRACT_REGION!r} must be a 6-digit GB/T 2260 code."
    )
_ADMIN_PATH = env_str("KEQIAO_ADMIN_PATH", "admin/")
if not re.fullmatch(r"([A-Za-z0-9_-]+/)+", _ADMIN_PATH or "") or _ADMIN_PATH.split("/")[0] in _RESERVED_PATHS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"KEQIAO_ADMIN_PATH={_ADMIN_PATH!r} must be path segments of letters, digits, - or _, each ending "
        f"in '/' (e.g. 'office-admin/'), and must not start with one of the site's own: {', '.join(_RESERVED_PATHS)}."
    )
for _name, _value, _least in (
    ("KEQIAO_INDEX_CHANGE_KEEP_DAYS", env_int("KEQIAO_INDEX_CHANGE_KEEP_DAYS", 30), 1),
    ("KEQIAO_NOTIFICATION_KEEP_DAYS", env_int("KEQIAO_NOTIFICATION_KEEP_DAYS", 180), 1),
    ("KEQIAO_MAINTENANCE_RETRY_AFTER", env_int("KEQIAO_MAINTENANCE_RETRY_AFTER", 600), 0),
):
    if _value < _least:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"{_name}={_value} must be at least {_least}.")
KEQIAO = {
    # 3-digit region/department code that prefixes achievement registration numbers.
    "REGISTRATION_OFFICE_CODE": _OFFICE_CODE,
    "LISTING_VALIDITY_DAYS": env_int("KEQIAO_LISTING_VALIDITY_DAYS", 365),
    # Officials (government members, the registration office, staff) are signed out after this many
    # minutes without a request; 0 turns it off. Everybody else keeps the session cookie's age.
    "OFFICIAL_IDLE_MINUTES": env_int("KEQIAO_OFFICIAL_IDLE_MINUTES", 120),
    "EXPIRY_REMINDER_DAYS": env_int("KEQIAO_EXPIRY_REMINDER_DAYS", 14),
    "ATTACHMENT_MAX_BYTES": env_int("KEQIAO_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024),
    "ATTACHMENTS_PER_ACHIEVEMENT": env_int("KEQIAO_ATTACHMENTS_PER_ACHIEVEMENT", 10),
    # Bulk import (keqiao.exchange): the largest upload, what an .xlsx may expand to, the most rows of
    # one file, and from how many rows the import runs as a background job.
    "IMPORT_MAX_BYTES": env_int("KEQIAO_IMPORT_MAX_BYTES", 20 * 1024 * 1024),
    "IMPORT_MAX_UNCOMPRESSED_BYTES": env_int("KEQIAO_IMPORT_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024),
    "IMPORT_MAX_ROWS": env_int("KEQIAO_IMPORT_MAX_ROWS", 100_000),
    "IMPORT_BACKGROUND_ROWS": env_int("KEQIAO_IMPORT_BACKGROUND_ROWS", 2000),
    # Where search-index snapshots are kept (empty: no snapshots, every process builds its own index).
    "SEARCH_SNAPSHOT_DIR": (env_str("KEQIAO_SEARCH_SNAPSHOT_DIR") or str(VAR_DIR / "index"))
    if env_bool("KEQIAO_SEARCH_SNAPSHOTS", True)
    else "",
    # Search backend: "memory" (in-process engine, every database) or "postgres" (PostgreSQL full text).
    "SEARCH_BACKEND": env_str("KEQIAO_SEARCH_BACKEND", "memory"),
    # Fit the offline semantic model on the bundled research records too (more vocabulary, better matches).
    "MATCHING_BUNDLED_CORPUS": env_bool("KEQIAO_MATCHING_BUNDLED_CORPUS", True),
    # Listings without a confirmed discipline are matched on the one the suggestion model gives them.
    "MATCHING_PREDICT_DISCIPLINE": env_bool("KEQIAO_MATCHING_PREDICT_DISCIPLINE", True),
    # Trained suggestion models; an optional sentence-embedding model directory for matching.
    "MODELS_DIR": env_str("KEQIAO_MODELS_DIR") or str(VAR_DIR / "models"),
    "DENSE_MODEL_DIR": env_str("KEQIAO_DENSE_MODEL_DIR") or "",
    # Deals: unanswered interest expires; a room without activity is reminded, then closed.
    "INTEREST_EXPIRY_DAYS": env_int("KEQIAO_INTEREST_EXPIRY_DAYS", 30),
    "ROOM_STALL_DAYS": env_int("KEQIAO_ROOM_STALL_DAYS", 30),
    # 促进科技成果转化法 art. 18: a price a university or institute agreed is publicly noticed before its
    # contract is registered. On: every such negotiated deal needs a passed notice. Off: only a deal whose
    # notice was published waits for it (for deployments migrating deals agreed before notices existed).
    "PRICE_NOTICE_REQUIRED": env_bool("KEQIAO_PRICE_NOTICE_REQUIRED", False),
    "ROOM_CLOSE_AFTER_REMINDER_DAYS": env_int("KEQIAO_ROOM_CLOSE_AFTER_REMINDER_DAYS", 14),
    # Technology contracts: the 6-digit GB/T 2260 code of the registering city (prefix of 技术输出/吸纳)
    # and the yearly technology transaction target of the action plan (yuan).
    "CONTRACT_REGION_CODE": _CONTRACT_REGION,
    "ANNUAL_TRANSACTION_TARGET": env_int("KEQIAO_ANNUAL_TRANSACTION_TARGET", 100_000_000),
    # The contract register: the office's SM2 private key (a file readable by the server only), the
    # retired public keys still trusted for the entries they signed, and the office the certificates
    # name. REGISTER_KEY_GENERATE (demo and tests only) writes a new key when the file is missing.
    "REGISTER_KEY_FILE": env_str("KEQIAO_REGISTER_KEY_FILE") or "",
    "REGISTER_RETIRED_KEYS_FILE": env_str("KEQIAO_REGISTER_RETIRED_KEYS_FILE") or "",
    "REGISTER_KEY_GENERATE": False,
    "CONTRACT_OFFICE_NAME": env_str("KEQIAO_CONTRACT_OFFICE_NAME") or "眉山市技术合同认定登记机构",
    # Working days the registration office has to answer a filing (Monday–Friday).
    "CONTRACT_REVIEW_WORKING_DAYS": env_int("KEQIAO_CONTRACT_REVIEW_WORKING_DAYS", 7),
    # Officials must sign in with a code from an authenticator app (on in production, off in the demo).
    "2FA_REQUIRED_FOR_OFFICIALS": env_bool("KEQIAO_2FA_REQUIRED_FOR_OFFICIALS", False),
    # The admin's path, and the networks it answers to (CIDR ranges; empty: every network).
    "ADMIN_PATH": _ADMIN_PATH,
    "ADMIN_ALLOWED_NETWORKS": env_networks("KEQIAO_ADMIN_ALLOWED_NETWORKS"),
    # Reverse proxies whose X-Forwarded-For is believed (addresses or CIDR ranges; empty: none, the
    # client is REMOTE_ADDR). Used by sign-in throttling and the admin's network allow-list.
    "TRUSTED_PROXIES": env_networks("KEQIAO_TRUSTED_PROXIES"),
    # Sign-in throttling rules (keqiao/accounts/throttling.py); a limit of 0 turns its rule off.
    "SIGNIN_ADDRESS_LIMIT": env_int("KEQIAO_SIGNIN_ADDRESS_LIMIT", 10),
    "SIGNIN_ACCOUNT_LIMIT": env_int("KEQIAO_SIGNIN_ACCOUNT_LIMIT", 10),
    "SIGNIN_KNOWN_ADDRESS_DAYS": env_int("KEQIAO_SIGNIN_KNOWN_ADDRESS_DAYS", 30),
    "SIGNIN_LOCK_MINUTES": env_int("KEQIAO_SIGNIN_LOCK_MINUTES", 1),
    "SIGNIN_LOCK_MAX_MINUTES": env_int("KEQIAO_SIGNIN_LOCK_MAX_MINUTES", 15),
    # Nightly upkeep (keqiao/portal/upkeep.py): days of search change log and of notifications kept.
    "INDEX_CHANGE_KEEP_DAYS": env_int("KEQIAO_INDEX_CHANGE_KEEP_DAYS", 30),
    "NOTIFICATION_KEEP_DAYS": env_int("KEQIAO_NOTIFICATION_KEEP_DAYS", 180),
    # Maintenance mode (keqiao/common/maintenance.py): while this file exists, every page but /healthz
    # answers 503 with a Retry-After; `manage.py maintenance on|off` creates and removes it.
    "MAINTENANCE_FILE": env_str("KEQIAO_MAINTENANCE_FILE") or str(VAR_DIR / "maintenance.on"),
    "MAINTENANCE_RETRY_AFTER": env_int("KEQIAO_MAINTENANCE_RETRY_AFTER", 600),
}

# Content-Security-Policy (django-csp): scripts and everything else only from the platform itself; no
# inline script anywhere (handlers are bound in static/js). Inline style attributes stay allowed: they
# carry layout only, cannot run code, and the templates use them for small adjustments.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
