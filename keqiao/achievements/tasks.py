"""Celery tasks: thin adapters around services (inline when no broker is configured)."""

from celery import shared_task

from . import services


@shared_task
def run_listing_maintenance() -> dict:
    """Expire overdue listings and send expiry reminders; safe to run concurrently."""
    return {"expired": services.listings_expire(), "reminded": services.listings_remind()}
