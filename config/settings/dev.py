"""Local development and `make demo`: a fixed non-secret key, static files served by WhiteNoise.

DEBUG follows KEQIAO_DEBUG (on unless set to 0). `make demo` sets KEQIAO_DEBUG=0 so that the demo shows
the platform as visitors see it, with its own 404 and 500 pages instead of Django's debug pages;
``make demo KEQIAO_DEBUG=1`` or ``make serve`` keep the debug pages for developers. Static files are
served by WhiteNoise either way."""

from .base import *

DEBUG = env_bool("KEQIAO_DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY") or "demo-only-insecure-key-do-not-use-in-production"  # noqa: S105
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
# No collectstatic before a demo: WhiteNoise finds the files in static/ and the apps, as runserver would.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
# The demo's register key: generated on first use unless KEQIAO_REGISTER_KEY_FILE names the operator's.
KEQIAO = {
    **KEQIAO,
    "REGISTER_KEY_FILE": KEQIAO["REGISTER_KEY_FILE"] or str(VAR_DIR / "demo-register-sm2.key"),
    "REGISTER_KEY_GENERATE": not KEQIAO["REGISTER_KEY_FILE"],
}
