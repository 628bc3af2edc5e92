from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "keqiao.search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from . import checks  # noqa: F401 -- registers the system checks
