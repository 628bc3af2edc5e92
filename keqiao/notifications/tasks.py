"""Celery tasks (inline without a broker): thin adapters around notification services."""

from celery import shared_task


@shared_task
def send_digests(frequency: str) -> int:
    from .services import send_digests as run

    return run(frequency=frequency)
