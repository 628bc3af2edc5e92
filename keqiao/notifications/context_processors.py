"""The unread count in the navigation bar of every page."""

from .selectors import unread_count


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    # Evaluated only if the page shows it (one COUNT query).
    return {"unread_notifications": lambda: unread_count(user)}
