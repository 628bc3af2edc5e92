"""The nightly upkeep, for Celery beat (`run_nightly_upkeep`) and cron (`manage.py upkeep`) alike.

1. Rebuild the search indexes and bring the matcher up to date, saving their snapshots, so processes
   started the next day have little to catch up and a snapshot that no longer matches the database is
   replaced (this is also the verification: every index is rebuilt from the database).
2. Prune the search change log (`IndexChange`) older than `KEQIAO_INDEX_CHANGE_KEEP_DAYS` (30): the
   snapshots just saved are past those rows; a process that has not caught up for that long (no search,
   no match in 30 days) would miss them, which the nightly gunicorn worker recycling rules out.
3. Delete expired sessions (Django's `clearsessions`).
4. Delete notifications older than `KEQIAO_NOTIFICATION_KEEP_DAYS` (180), except those still waiting
   for their digest.
"""

import datetime
import io
import logging
import time

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from keqiao.notifications.services import notifications_prune
from keqiao.search.backends import all_backends
from keqiao.search.models import prune_changes
from keqiao.search.signals import search_index_rebuilt

logger = logging.getLogger(__name__)


def rebuild_indexes() -> int:
    """What `rebuild_search_index` does, without --force; returns the number of listings indexed."""
    total = 0
    for backend in all_backends():
        total += backend.rebuild()
    search_index_rebuilt.send(sender=rebuild_indexes, force=False, stdout=io.StringIO())
    return total


def run_upkeep(*, now: datetime.datetime | None = None, index: bool = True) -> dict[str, int]:
    """The nightly upkeep (module docstring); returns its counts and logs them."""
    now = now or timezone.now()
    started = time.perf_counter()
    counts = {"listings_indexed": rebuild_indexes() if index else 0}
    if index:  # the log is pruned only behind snapshots that were just saved
        keep = datetime.timedelta(days=settings.KEQIAO["INDEX_CHANGE_KEEP_DAYS"])
        counts["index_changes_pruned"] = prune_changes(before=now - keep)
    else:
        counts["index_changes_pruned"] = 0
    counts["sessions_expired"] = Session.objects.filter(expire_date__lt=now).delete()[0]
    keep = datetime.timedelta(days=settings.KEQIAO["NOTIFICATION_KEEP_DAYS"])
    counts["notifications_pruned"] = notifications_prune(before=now - keep)
    logger.info(
        "nightly upkeep in %.1fs: %s",
        time.perf_counter() - started,
        " ".join(f"{k}={v}" for k, v in counts.items()),
    )
    return counts
