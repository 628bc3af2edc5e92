from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from keqiao.search.registry import register


class AchievementsConfig(AppConfig):
    name = "keqiao.achievements"
    verbose_name = _("Achievements")

    def ready(self):
        # imports the Achievement model: only possible once the app registry is ready
        from .search import ACHIEVEMENT_INDEX

        register(ACHIEVEMENT_INDEX)
