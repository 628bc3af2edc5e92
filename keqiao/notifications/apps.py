from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "keqiao.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from keqiao.common import emails

        from .services import unsubscribe_footer

        # every app's own kinds of notification (see kinds.py)
        autodiscover_modules("notification_kinds")
        emails.register_footer(unsubscribe_footer)
