from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemandsConfig(AppConfig):
    name = "keqiao.demands"
    verbose_name = _("Technology demands")

    def ready(self):
        from keqiao.search.registry import register

        from .search import DEMAND_INDEX

        register(DEMAND_INDEX)
