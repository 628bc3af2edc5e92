from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "keqiao.evaluation"
    verbose_name = _("Evaluation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from keqiao.common import panels  # the app registry is not ready when apps.py is imported

        from .views import deal_panel  # models: ready() only

        panels.register("deal", deal_panel)
