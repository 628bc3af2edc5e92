from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from keqiao.common import emails


class NotificationsConfig(AppConfig):
    name = "keqiao.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # imports the Notification model: only possible once the app registry is ready
        from .services import unsubscribe_footer

        # every app's own kinds of notification (see kinds.py)
        autodiscover_modules("notification_kinds")
        emails.register_footer(unsubscribe_footer)
