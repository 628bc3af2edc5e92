"""Celery tasks of listed trading: thin adapters (inline when no broker is configured)."""

from celery import shared_task

from . import services


@shared_task
def close_auctions() -> dict:
    """Close the auctions whose end has passed (every minute; idempotent, safe to run concurrently)."""
    return services.auctions_maintain()
