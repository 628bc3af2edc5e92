from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "keqiao.challenges"
    verbose_name = _("Challenge tenders")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The adapter names the Proposal model: only possible once the app registry is ready.
        from keqiao.contracts import trade_modes
        from keqiao.reviews import subjects

        from .review_subject import ProposalAdapter
        from .trade_statistics import challenge_statistics  # the same: the statistics query the models

        subjects.register(ProposalAdapter())
        trade_modes.register(challenge_statistics)
