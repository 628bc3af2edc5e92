from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NegotiationsConfig(AppConfig):
    name = "keqiao.negotiations"
    verbose_name = _("Negotiations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from keqiao.matching import marks

        from .selectors import negotiation_marks

        marks.register(negotiation_marks)
