"""Load benchmark only (bench/load_bench.py): production settings on a loopback server without TLS.

Never deploy with this module. It differs from production in exactly these points:
- the URL configuration adds a hello-world view (config/bench_urls.py), the baseline of the benchmark;
- the session and CSRF cookies are sent over plain HTTP, since the benchmark talks to 127.0.0.1 without
  a TLS proxy in front (production keeps them Secure);
- mail is dropped (the negotiation messages the clients post would otherwise print one e-mail each).
SECURE_SSL_REDIRECT=false comes from the environment, as in production.
"""

from .production import *

ROOT_URLCONF = "config.bench_urls"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
