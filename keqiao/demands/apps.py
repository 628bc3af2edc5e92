from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from keqiao.search.registry import register


class DemandsConfig(AppConfig):
    name = "keqiao.demands"
    verbose_name = _("Technology demands")

    def ready(self):
        # imports the Demand model: only possible once the app registry is ready
        from .search import DEMAND_INDEX

        register(DEMAND_INDEX)
