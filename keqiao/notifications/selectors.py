"""Reads for notifications: a user's own, and how many are unread."""

from django.db.models import QuerySet

from .models import Notification


def notifications_of(user, *, unread: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(user=user)
    return qs.filter(read_at__isnull=True) if unread else qs


def unread_count(user) -> int:
    return notifications_of(user, unread=True).count()
