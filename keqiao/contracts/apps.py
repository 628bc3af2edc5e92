from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "keqiao.contracts"
    verbose_name = _("Technology contracts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # services import models: only possible once the app registry is ready
        from keqiao.negotiations.services import termination_guards

        # imports the Contract model, so it waits for ready() too
        from .services import refuse_termination_under_review

        termination_guards.append(refuse_termination_under_review)
