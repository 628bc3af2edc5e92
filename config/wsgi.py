"""WSGI entry point. Loads the in-memory indexes from their snapshots before the first request
(KEQIAO_WARM_UP=false skips it; see keqiao/portal/warmup.py)."""

import os

from django.core.wsgi import get_wsgi_application

from config.startup import load_settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
load_settings()  # a configuration error is one line naming the variable, not a traceback
application = get_wsgi_application()

if os.environ.get("KEQIAO_WARM_UP", "true").strip().lower() not in ("0", "false", "no", "off"):
    from keqiao.portal.warmup import warm_up

    warm_up()  # never raises: each piece that fails is logged and built on first use
