from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "keqiao.contracts"
    verbose_name = _("Technology contracts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from keqiao.negotiations.services import termination_guards

        from .services import refuse_termination_under_review

        termination_guards.append(refuse_termination_under_review)
