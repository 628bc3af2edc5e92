from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from keqiao.contracts import trade_modes


class ChallengesConfig(AppConfig):
    name = "keqiao.challenges"
    verbose_name = _("Challenge tenders")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # models are importable only once the app registry is ready: these modules import models
        from keqiao.reviews import subjects  # imports the achievement and content-type models

        from .review_subject import ProposalAdapter  # names the Proposal model
        from .trade_statistics import challenge_statistics  # the same: the statistics query the models

        subjects.register(ProposalAdapter())
        trade_modes.register(challenge_statistics)
