"""Celery tasks of listed trading: thin adapters (inline when no broker is configured)."""

from celery import shared_task

from . import listings, services


@shared_task
def close_auctions() -> dict:
    """Close the auctions whose end has passed (every minute; idempotent, safe to run concurrently)."""
    return services.auctions_maintain()


@shared_task
def close_listings() -> dict:
    """Settle the fixed-price listings whose period is over (just after midnight; idempotent)."""
    return listings.listings_maintain()
