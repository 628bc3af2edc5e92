from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistriesConfig(AppConfig):
    name = "keqiao.registries"
    verbose_name = _("Innovation registries")
    default_auto_field = "django.db.models.BigAutoField"
