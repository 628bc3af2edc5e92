"""Celery tasks (inline without a broker): thin adapters around notification services."""

from celery import shared_task

from . import services


@shared_task
def send_digests(frequency: str) -> int:
    return services.send_digests(frequency=frequency)
