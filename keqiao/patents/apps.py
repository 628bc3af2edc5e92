from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatentsConfig(AppConfig):
    name = "keqiao.patents"
    verbose_name = _("Patents")
    default_auto_field = "django.db.models.BigAutoField"
