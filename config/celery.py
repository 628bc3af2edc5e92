"""Celery application: a broker when CELERY_BROKER_URL/REDIS_URL is set, inline otherwise."""

import copy
import logging.config
import os
import sys

from celery import Celery
from celery.schedules import crontab
from celery.signals import setup_logging

from config.startup import load_settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
if os.path.basename(sys.argv[0]) == "celery":
    load_settings()  # worker and beat: a configuration error is one line naming the variable

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
    # Listing periods end at midnight after their last working day; the hourly run settles them too.
    "trading-close-listings": {
        "task": "keqiao.trading.tasks.close_listings",
        "schedule": crontab(minute=1, hour=0),
    },
    # Challenge tenders open their sealed proposals at the deadline; the hourly run does it too.
    "challenges-close-deadlines": {
        "task": "keqiao.challenges.tasks.close_challenges",
        "schedule": crontab(minute="*/5"),
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
    # Upkeep (keqiao/portal/upkeep.py): snapshots rebuilt and checked, old change-log rows, sessions
    # and notifications pruned. At night, after the backup of 02:30 (docs/operator-guide.md §7.2).
    "nightly-upkeep": {
        "task": "keqiao.portal.tasks.run_nightly_upkeep",
        "schedule": crontab(minute=40, hour=3),
    },
}


def worker_logging(loglevel: int | str | None = None) -> dict:
    """Django's LOGGING for the worker and beat: the same handler (text or JSON lines, tokens masked),
    with a time and level in text mode, and Celery's own loggers at the process's level (INFO by
    default), so "Task … received", "Task … succeeded in …: {counts}" and beat's "Scheduler: Sending
    due task" are logged."""
    from django.conf import settings  # settings are read once Django is configured, not at import

    config = copy.deepcopy(settings.LOGGING)
    if settings.LOG_FORMAT == "text":
        config["handlers"]["console"]["formatter"] = "text"
    level = logging.getLevelName(loglevel) if isinstance(loglevel, int) else (loglevel or "INFO")
    config["loggers"]["celery"] = {"level": str(level).upper()}
    return config


@setup_logging.connect
def _configure_worker_logging(loglevel=None, **_kwargs) -> None:
    # Connecting this signal stops Celery from replacing the root logger's handlers with its own.
    logging.config.dictConfig(worker_logging(loglevel))
