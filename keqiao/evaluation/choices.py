"""Choices and transition tables of readiness assessments and valuations."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")


# status → {action: new status}
ASSESSMENT_TRANSITIONS = {
    AssessmentStatus.DRAFT: {"edit": AssessmentStatus.DRAFT, "submit": AssessmentStatus.SUBMITTED},
    AssessmentStatus.SUBMITTED: {
        "confirm": AssessmentStatus.CONFIRMED,
        "return": AssessmentStatus.DRAFT,
    },
    AssessmentStatus.CONFIRMED: {},
}


class Verdict(models.TextChoices):
    AGREED = "agreed", pgettext_lazy("readiness verdict", "Agreed")
    CORRECTED = "corrected", pgettext_lazy("readiness verdict", "Corrected")


ASSESSMENT_EVENT_LABELS = {
    "created": _("Assessment started"),
    "edited": _("Answers saved"),
    "evidence_added": _("Evidence added"),
    "evidence_removed": _("Evidence removed"),
    "submit": _("Submitted for confirmation"),
    "return": _("Returned to the holder"),
    "confirm": _("Level confirmed"),
}


class Distribution(models.TextChoices):
    FIXED = "fixed", _("Fixed value")
    UNIFORM = "uniform", _("Uniform (low–high)")
    TRIANGULAR = "triangular", _("Triangular (low, most likely, high)")
    NORMAL = "normal", _("Normal (mean, standard deviation)")
    LOGNORMAL = "lognormal", _("Lognormal (median, log standard deviation)")


VALUATION_EVENT_LABELS = {
    "created": _("Valuation created"),
    "edited": _("Valuation recalculated"),
    "copied": _("Copied from another valuation"),
    "shared": _("Shared into a negotiation room"),
    "unshared": _("Withdrawn from the negotiation room"),
}
