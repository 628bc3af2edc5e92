"""Celery tasks of challenge tenders: thin adapters (inline when no broker is configured)."""

from celery import shared_task

from . import services


@shared_task
def close_challenges() -> dict:
    """Open the proposals of the challenges whose deadline has passed (every 5 minutes; idempotent)."""
    return services.challenges_maintain()
