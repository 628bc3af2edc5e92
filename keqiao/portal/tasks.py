"""Celery tasks of the portal: thin adapters (inline when no broker is configured)."""

from celery import shared_task

from .maintenance import run_maintenance


@shared_task
def run_hourly_maintenance() -> dict:
    """The hourly maintenance (see keqiao.portal.maintenance); safe to run concurrently."""
    return run_maintenance()
