"""Signals through which a lower floor tells the floors above it that something happened, without
importing them (see docs/decisions/0007-layering.md)."""

from django.db import transaction
from django.dispatch import Signal

# A listing's searchable content or visibility changed (published, edited, withdrawn, expired, closed).
# Sent with kind ("achievement" or "demand") and object_id, after the transaction commits.
listing_changed = Signal()


def send_listing_changed_after_commit(sender, *, kind: str, object_id: int) -> None:
    transaction.on_commit(lambda: listing_changed.send(sender=sender, kind=kind, object_id=object_id))
