"""Celery tasks (inline without a broker): thin adapters around matching services."""

from celery import shared_task

from .index import KINDS, get_match_index
from .services import alert_new_listing


@shared_task
def refresh_matches(kind: str, object_id: int) -> int:
    """A listing was published, edited, expired or closed: refresh this process's matcher and alert
    followers of what it now matches. Returns the number of notifications created."""
    get_match_index().refresh()
    record = KINDS[kind][0]().filter(pk=object_id).first()
    if record is None:  # no longer published: nothing to announce
        return 0
    return alert_new_listing(kind, record)


def on_listing_changed(sender, *, kind: str, object_id: int, **kwargs) -> None:
    """Receiver of keqiao.common.signals.listing_changed (sent after commit): queue the refresh."""
    refresh_matches.delay(kind, object_id)
