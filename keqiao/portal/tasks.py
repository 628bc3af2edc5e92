"""Celery tasks of the portal: thin adapters (inline when no broker is configured)."""

import logging

from celery import shared_task

from .maintenance import run_maintenance
from .upkeep import run_upkeep

logger = logging.getLogger(__name__)


@shared_task
def run_hourly_maintenance() -> dict:
    """The hourly maintenance (see keqiao.portal.maintenance); safe to run concurrently."""
    counts = run_maintenance()
    logger.info("hourly maintenance: %s", " ".join(f"{k}={v}" for k, v in counts.items()))
    return counts


@shared_task
def run_nightly_upkeep() -> dict:
    """The nightly upkeep (see keqiao.portal.upkeep): indexes rebuilt, old rows pruned."""
    return run_upkeep()
