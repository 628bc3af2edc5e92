"""Celery application: a broker when CELERY_BROKER_URL/REDIS_URL is set, inline otherwise."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("keqiao")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.beat_schedule = {
    "hourly-maintenance": {
        "task": "keqiao.portal.tasks.run_hourly_maintenance",
        "schedule": crontab(minute=15, hour="*/1"),
    },
    # Auctions end to the minute (extended by late bids); the hourly run closes them too.
    "trading-close-auctions": {
        "task": "keqiao.trading.tasks.close_auctions",
        "schedule": crontab(minute="*"),
    },
    "notifications-daily-digest": {
        "task": "keqiao.notifications.tasks.send_digests",
        "schedule": crontab(minute=0, hour=8),
        "args": ("daily",),
    },
    "notifications-weekly-digest": {
        "task": "keqiao.notifications.tasks.send_digests",
        "schedule": crontab(minute=0, hour=8, day_of_week=1),
        "args": ("weekly",),
    },
}
