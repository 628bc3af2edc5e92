"""Test settings: fast hashing, in-memory mail, local cache, inline tasks."""

from .base import *

SECRET_KEY = "test-only-insecure-key"  # noqa: S105  # nosec B105  # a published demo or test value, not a secret
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://localhost/"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
MEDIA_ROOT = VAR_DIR / "test-media"
if env_str("TEST_DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(env_str("TEST_DATABASE_URL"))}
else:
    # In-memory test database (shared-cache, so live-server threads see it too).
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
AXES_ENABLED = env_bool("AXES_ENABLED_IN_TESTS", True)
LOGGING["root"]["level"] = "WARNING"
WHITENOISE_AUTOREFRESH = True  # no collected static files in tests; serve from the finders
KEQIAO = {
    **KEQIAO,
    "SEARCH_SNAPSHOT_DIR": "",
    "MATCHING_BUNDLED_CORPUS": False,
    "MODELS_DIR": str(VAR_DIR / "test-models"),
    # Never the development server's flag: tests turn maintenance mode on in their own directory.
    "MAINTENANCE_FILE": str(VAR_DIR / "test-maintenance" / "maintenance.on"),
    "REGISTER_KEY_FILE": str(VAR_DIR / "test-register-sm2.key"),
    "REGISTER_KEY_GENERATE": True,
}
