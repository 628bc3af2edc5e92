from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "keqiao.exchange"
    verbose_name = _("Data import")
    default_auto_field = "django.db.models.BigAutoField"
