from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnualReportsConfig(AppConfig):
    name = "keqiao.annualreports"
    verbose_name = _("Annual reports and funded projects")
    default_auto_field = "django.db.models.BigAutoField"
