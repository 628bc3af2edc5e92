"""Celery tasks: thin adapters around services (inline when no broker is configured)."""

from celery import shared_task

from keqiao.demands import services as demand_services
from keqiao.governance.reminders import governance_reminders
from keqiao.negotiations import services as deal_services

from . import services


@shared_task
def run_listing_maintenance() -> dict:
    """Expire overdue listings and send expiry reminders, achievements and demands; safe to run concurrently."""
    return {
        "achievements_expired": services.listings_expire(),
        "achievements_reminded": services.listings_remind(),
        "demands_expired": demand_services.demands_expire(),
        "demands_reminded": demand_services.demands_remind(),
        **{f"deals_{k}": v for k, v in deal_services.deals_maintain().items()},
        **governance_reminders(),
    }
