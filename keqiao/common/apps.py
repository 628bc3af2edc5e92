from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "keqiao.common"
    verbose_name = _("Reference data")
