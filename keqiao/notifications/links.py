"""Where a user manages what reaches them, linked from the notification page and every notification
e-mail. The app that keeps those preferences (matching's subscriptions) registers its page in its
``ready()``; without one the link is left out."""

from django.urls import reverse

_preferences_url_name: str | None = None


def register_preferences(url_name: str) -> None:
    global _preferences_url_name
    _preferences_url_name = url_name


def preferences_url() -> str:
    """The path of the preferences page, or "" if no app registered one."""
    return reverse(_preferences_url_name) if _preferences_url_name else ""
