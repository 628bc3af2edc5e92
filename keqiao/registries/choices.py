"""Kinds, levels and the lifecycles of the registry records, with their transition tables."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class QualificationKind(models.TextChoices):
    HIGH_TECH = "high_tech", _("National high-tech enterprise")
    TECH_SME = "tech_sme", _("Technology-based SME")
    DEMONSTRATION = "demonstration", _("Industry–university–research demonstration enterprise")
    SPECIALISED = "specialised", _("Specialised, refined, distinctive and innovative enterprise")


# The longest validity of each kind's certificate, in years (a high-tech certificate three years, a
# technology-based SME's registration one year); kinds not named here have no fixed limit.
MAX_VALIDITY_YEARS = {QualificationKind.HIGH_TECH: 3, QualificationKind.TECH_SME: 1}
# Kinds whose certificate number is required when proposed (a demonstration enterprise is given its
# designation number only when designated).
NUMBER_REQUIRED = {QualificationKind.HIGH_TECH, QualificationKind.TECH_SME, QualificationKind.SPECIALISED}
# Re-certification reminders: this many days before the validity ends, the holder is told once.
REMINDER_DAYS = {QualificationKind.HIGH_TECH: 120, QualificationKind.TECH_SME: 60}


class QualificationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting confirmation")
    REVIEWED = "reviewed", _("Reviewed by the department")
    CONFIRMED = "confirmed", _("Confirmed")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
    REJECTED = "rejected", _("Not confirmed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# status -> {action: next status}. A demonstration enterprise's application is reviewed by the
# department and then designated by the bureau; other qualifications are confirmed in one step.
QUALIFICATION_TRANSITIONS = {
    QualificationStatus.PROPOSED: {
        "confirm": QualificationStatus.CONFIRMED,
        "review": QualificationStatus.REVIEWED,
        "reject": QualificationStatus.REJECTED,
        "withdraw": QualificationStatus.WITHDRAWN,
    },
    QualificationStatus.REVIEWED: {
        "designate": QualificationStatus.CONFIRMED,
        "reject": QualificationStatus.REJECTED,
    },
    QualificationStatus.CONFIRMED: {
        "revoke": QualificationStatus.REVOKED,
        "expire": QualificationStatus.EXPIRED,
    },
}


class PlatformKind(models.TextChoices):
    KEY_LAB = "key_lab", _("Key laboratory")
    ENGINEERING_CENTRE = "engineering_centre", _("Engineering technology research centre")
    ENTERPRISE_CENTRE = "enterprise_centre", _("Enterprise technology centre")
    ENGINEERING_LAB = "engineering_lab", _("Engineering laboratory")
    NEW_RD_INSTITUTION = "new_rd", _("New R&D institution")


class Level(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", pgettext_lazy("platform level", "City")


LEVEL_RANK = {Level.CITY: 1, Level.PROVINCIAL: 2, Level.NATIONAL: 3}


class PlatformStatus(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting confirmation")
    ACTIVE = "active", _("Active")
    UNDER_EVALUATION = "evaluating", _("Under evaluation")
    REVOKED = "revoked", _("Revoked")
    REJECTED = "rejected", _("Not confirmed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


PLATFORM_TRANSITIONS = {
    PlatformStatus.PROPOSED: {
        "confirm": PlatformStatus.ACTIVE,
        "reject": PlatformStatus.REJECTED,
        "withdraw": PlatformStatus.WITHDRAWN,
    },
    PlatformStatus.ACTIVE: {
        "evaluate": PlatformStatus.UNDER_EVALUATION,
        "revoke": PlatformStatus.REVOKED,
    },
    PlatformStatus.UNDER_EVALUATION: {
        "pass": PlatformStatus.ACTIVE,
        "revoke": PlatformStatus.REVOKED,
    },
}

# Who may take each action: the owning organisation, or the designated department / the bureau.
OWNER_ACTIONS = {"withdraw"}
BUREAU_ONLY_ACTIONS = {"designate"}

EVENT_LABELS = {
    "propose": pgettext_lazy("registry event", "Proposed"),
    "confirm": _("Confirmed"),
    "review": _("Reviewed by the department"),
    "designate": _("Designated by the S&T bureau"),
    "reject": _("Not confirmed"),
    "withdraw": _("Withdrawn"),
    "revoke": _("Revoked"),
    "expire": _("Expired"),
    "remind": _("Re-certification reminder sent"),
    "evaluate": _("Annual evaluation started"),
    "pass": _("Annual evaluation passed"),
}
