from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "keqiao.supervision"
    verbose_name = _("Task supervision")
    default_auto_field = "django.db.models.BigAutoField"
