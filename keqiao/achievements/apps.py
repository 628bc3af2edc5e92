from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AchievementsConfig(AppConfig):
    name = "keqiao.achievements"
    verbose_name = _("Achievements")

    def ready(self):
        from keqiao.search.registry import register

        from .search import ACHIEVEMENT_INDEX

        register(ACHIEVEMENT_INDEX)
