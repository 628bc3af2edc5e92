"""Choices of challenge tenders (难题招标 / 揭榜挂帅)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ChallengeStatus(models.TextChoices):
    # Published: solvers submit proposals until the deadline; proposals stay sealed until then.
    OPEN = "open", _("Taking proposals")
    # The deadline has passed: the proposals are opened and evaluated.
    EVALUATING = "evaluating", _("Under evaluation")
    AWARDED = "awarded", _("Awarded")
    NOT_AWARDED = "not_awarded", _("No award")


# from-state -> {action: to-state}; every challenge service checks this table before it writes.
CHALLENGE_TRANSITIONS: dict[str, dict[str, str]] = {
    ChallengeStatus.OPEN: {"close": ChallengeStatus.EVALUATING},
    ChallengeStatus.EVALUATING: {"award": ChallengeStatus.AWARDED, "no_award": ChallengeStatus.NOT_AWARDED},
}
CLOSED_STATUSES = (ChallengeStatus.AWARDED, ChallengeStatus.NOT_AWARDED)


class RewardKind(models.TextChoices):
    BUDGET = "budget", _("Research budget")
    PRIZE = "prize", _("Prize")


class Evaluation(models.TextChoices):
    CHALLENGER = "challenger", _("By the challenger, against the weighted criteria")
    PANEL = "panel", _("By an expert panel")


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("proposal", "Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    AWARDED = "awarded", _("Awarded")
    NOT_AWARDED = "not_awarded", _("Not awarded")


CHALLENGE_EVENT_LABELS = {
    "published": _("Challenge published"),
    "proposal": _("Proposal submitted"),
    "withdraw": _("Proposal withdrawn"),
    "close": _("Deadline passed: proposals opened"),
    "score": _("Proposal scored"),
    "panel": _("Expert panel review opened"),
    "award": _("Awarded"),
    "no_award": _("Closed without an award"),
}

MAX_CRITERIA = 10
MAX_PROPOSAL_FILES = 5
