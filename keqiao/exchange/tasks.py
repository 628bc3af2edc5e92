"""Celery tasks of bulk import: thin adapters (inline when no broker is configured)."""

from celery import shared_task

from . import services


@shared_task
def commit_batch(batch_id: int) -> str:
    """Run a queued import (large files); returns the batch's final status."""
    return services.batch_run(batch_id=batch_id).status
