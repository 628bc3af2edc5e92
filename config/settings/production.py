"""Production: secrets and hosts from the environment, HTTPS assumed."""

from .base import *

SECRET_KEY = env_required("SECRET_KEY")
# A weak key lets anybody forge sessions, password-reset links and unsubscribe tokens: refuse to start
# (Django's own check only warns). Generate one with:
#   python -c "import secrets; print(secrets.token_urlsafe(50))"
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-"):
    from django.core.exceptions import ImproperlyConfigured  # settings modules import Django lazily

    raise ImproperlyConfigured(
        "SECRET_KEY is too weak: use at least 50 random characters "
        '(python -c "import secrets; print(secrets.token_urlsafe(50))").'
    )
DEBUG = False
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)  # opt-in: preload lists are hard to leave
if not SECURE_HSTS_PRELOAD:
    # Preload is a deliberate opt-in for a government domain (docs/operator-guide.md §2.5), not an oversight.
    SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), "security.W021"]

# Officials sign in with a code from an authenticator app (docs/operator-guide.md §6.2).
KEQIAO = {**KEQIAO, "2FA_REQUIRED_FOR_OFFICIALS": env_bool("KEQIAO_2FA_REQUIRED_FOR_OFFICIALS", True)}
