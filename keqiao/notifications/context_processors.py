"""The unread count in the navigation bar of every page."""


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .models import Notification

    # Evaluated only if the page shows it (one COUNT query).
    return {
        "unread_notifications": lambda: Notification.objects.filter(user=user, read_at__isnull=True).count()
    }
