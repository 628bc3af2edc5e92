from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "keqiao.matching"
    verbose_name = _("Matching and alerts")

    def ready(self) -> None:
        from . import marks
        from .views import recommendation_marks

        marks.register(recommendation_marks)
