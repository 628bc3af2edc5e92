from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "keqiao.reviews"
    verbose_name = _("Expert reviews")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import subjects  # the app registry is not ready when apps.py is imported

        subjects.register(subjects.AchievementAdapter())
