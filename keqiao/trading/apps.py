from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from keqiao.contracts import trade_modes


class TradingConfig(AppConfig):
    name = "keqiao.trading"
    verbose_name = _("Technology trading")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # services import models: only possible once the app registry is ready
        from keqiao.contracts.services import submission_guards  # the contracts' services import models

        from .services import require_passed_notice  # the same: services import the models
        from .statistics import trade_statistics  # the same: the statistics query the models

        if require_passed_notice not in submission_guards:
            submission_guards.append(require_passed_notice)
        trade_modes.register(trade_statistics)
