from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from keqiao.matching import marks


class NegotiationsConfig(AppConfig):
    name = "keqiao.negotiations"
    verbose_name = _("Negotiations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # imports the Deal model: only possible once the app registry is ready
        from .selectors import negotiation_marks

        marks.register(negotiation_marks)
