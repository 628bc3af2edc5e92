from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TradingConfig(AppConfig):
    name = "keqiao.trading"
    verbose_name = _("Technology trading")
    default_auto_field = "django.db.models.BigAutoField"
