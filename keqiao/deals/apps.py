from django.apps import AppConfig


class DealsConfig(AppConfig):
    """Holds only the migration history of the tables that `negotiations` and `contracts` now own.

    Databases created before the split have these migrations applied; the last one hands the models
    over (state only, every row kept). The app has no code and no models.
    """

    name = "keqiao.deals"
    default_auto_field = "django.db.models.BigAutoField"
