"""Choices and transition tables of the expert registry and of review panels."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ExpertTitle(models.TextChoices):
    """Professional title (职称) by grade."""

    SENIOR_FULL = "senior_full", _("Full senior title (e.g. professor, senior engineer of professorial rank)")
    SENIOR_ASSOCIATE = "senior_assoc", _("Associate senior title (e.g. associate professor, senior engineer)")
    INTERMEDIATE = "intermediate", _("Intermediate title (e.g. lecturer, engineer)")
    OTHER = "other", _("Other")


class ExpertStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    CONFIRMED = "confirmed", _("Confirmed")
    SUSPENDED = "suspended", _("Suspended")


# from-state -> {action: to-state}
EXPERT_TRANSITIONS = {
    ExpertStatus.INVITED: {"confirm": ExpertStatus.CONFIRMED},
    ExpertStatus.CONFIRMED: {"suspend": ExpertStatus.SUSPENDED},
    ExpertStatus.SUSPENDED: {"confirm": ExpertStatus.CONFIRMED},
}

EXPERT_EVENT_LABELS = {
    "invite": _("Invited to the expert registry"),
    "confirm": _("Confirmed as an expert"),
    "suspend": _("Suspended from the expert registry"),
    "update": _("Profile updated"),
}


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("Forming the panel")
    SCORING = "scoring", _("Scoring")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


REVIEW_TRANSITIONS = {
    ReviewStatus.OPEN: {"start": ReviewStatus.SCORING, "cancel": ReviewStatus.CANCELLED},
    ReviewStatus.SCORING: {"close": ReviewStatus.CLOSED, "cancel": ReviewStatus.CANCELLED},
}

REVIEW_EVENT_LABELS = {
    "open": _("Review opened"),
    "add_expert": _("Expert added to the panel"),
    "remove_expert": _("Expert removed from the panel"),
    "start": _("Scoring started"),
    "submit_score": _("Score submitted"),
    "reopen_score": _("Score reopened by the organiser"),
    "close": _("Review closed"),
    "cancel": _("Review cancelled"),
    "apply": _("Result written to the achievement"),
}


class PanelistStatus(models.TextChoices):
    PENDING = "pending", _("Not submitted")
    SUBMITTED = "submitted", pgettext_lazy("score status", "Submitted")


class Indicator(models.TextChoices):
    """The top-level indicators of GB/T 44731-2024 科技成果评估规范."""

    SCIENTIFIC = "scientific", _("Scientific value")
    TECHNOLOGICAL = "technological", _("Technological value")
    ECONOMIC = "economic", _("Economic value")
    SOCIAL = "social", _("Social and cultural value")
    POTENTIAL = "potential", _("Transformation potential")


INDICATOR_HELP = {
    Indicator.SCIENTIFIC: _("Novelty and significance of the findings; contribution to the discipline."),
    Indicator.TECHNOLOGICAL: _("Advance over existing technology, maturity, reliability, IP protection."),
    Indicator.ECONOMIC: _("Market size, expected income and cost advantage for users."),
    Indicator.SOCIAL: _("Benefits to health, safety, environment, employment and culture."),
    Indicator.POTENTIAL: _("Readiness for transfer: team, partners, investment needed, route to market."),
}

# Each indicator is scored 0–100.
SCORE_MIN = 0
SCORE_MAX = 100
