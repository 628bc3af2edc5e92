from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealsConfig(AppConfig):
    name = "keqiao.deals"
    verbose_name = _("Deals and contracts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from keqiao.matching import marks

        from .selectors import negotiation_marks

        marks.register(negotiation_marks)
