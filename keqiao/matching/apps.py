from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from keqiao.common import panels
from keqiao.common.signals import listing_changed
from keqiao.notifications import links
from keqiao.notifications.signals import email_stopped
from keqiao.search.signals import search_index_rebuilt

from . import marks


class MatchingConfig(AppConfig):
    name = "keqiao.matching"
    verbose_name = _("Matching and alerts")

    def ready(self) -> None:
        # These import models (and views, urls): only possible once the app registry is ready.
        from .index import rebuild_matcher
        from .selectors import recommendation_marks  # models: ready() only
        from .services import stop_subscription_email  # models: ready() only
        from .tasks import on_listing_changed  # models: ready() only
        from .views import match_panel  # models: ready() only

        marks.register(recommendation_marks)
        links.register_preferences("matching:subscriptions")
        email_stopped.connect(stop_subscription_email, dispatch_uid="matching.stop_subscription_email")
        listing_changed.connect(on_listing_changed, dispatch_uid="matching.on_listing_changed")
        panels.register("achievement", match_panel("achievement"))
        panels.register("demand", match_panel("demand"))
        search_index_rebuilt.connect(rebuild_matcher, dispatch_uid="keqiao.matching.rebuild_matcher")
