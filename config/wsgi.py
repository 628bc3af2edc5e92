"""WSGI entry point. Loads the in-memory indexes before the first request (KEQIAO_WARM_UP=false skips it)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()

if os.environ.get("KEQIAO_WARM_UP", "true").strip().lower() not in ("0", "false", "no", "off"):
    from keqiao.portal.warmup import warm_up

    try:
        warm_up()
    except Exception:  # noqa: BLE001 -- a failed warm-up must not stop the server: pages build on demand
        import logging

        logging.getLogger(__name__).exception("warm-up failed; indexes will be built on first use")
