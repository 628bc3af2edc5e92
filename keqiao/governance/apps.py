from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "keqiao.governance"
    verbose_name = _("Action plans and supervision")
    default_auto_field = "django.db.models.BigAutoField"
