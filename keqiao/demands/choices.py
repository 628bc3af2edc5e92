"""Choices of technology demands (技术需求) and their lifecycle."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned for revision")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")
    SOLVED = "solved", _("Solved")
    EXPIRED = "expired", _("Expired")


# Demands are reviewed like achievements; approval publishes them at once (no registration number).
TRANSITIONS: dict[str, dict[str, str]] = {
    Status.DRAFT: {"submit": Status.SUBMITTED},
    Status.RETURNED: {"submit": Status.SUBMITTED},
    Status.SUBMITTED: {"return": Status.RETURNED, "approve": Status.PUBLISHED},
    Status.PUBLISHED: {
        "close": Status.CLOSED,
        "solve": Status.SOLVED,
        "expire": Status.EXPIRED,
        "renew": Status.PUBLISHED,
    },
    Status.CLOSED: {"revise": Status.DRAFT},
    Status.EXPIRED: {"renew": Status.PUBLISHED, "revise": Status.DRAFT},
}
EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)


class CooperationMode(models.TextChoices):
    COMMISSIONED_DEVELOPMENT = "commissioned_dev", _("Commissioned development")
    JOINT_DEVELOPMENT = "joint_dev", _("Joint development")
    TRANSFER = "transfer", _("Technology transfer")
    LICENSE = "license", _("Licence")
    CONSULTING = "consulting", _("Technical consulting")
    SERVICE = "service", _("Technical service")
    TALENT = "talent", _("Talent cooperation")


# Which achievement transfer modes can serve a demand's cooperation mode (for matching).
MODE_COMPATIBILITY = {
    "commissioned_dev": {"cooperation", "service"},
    "joint_dev": {"cooperation", "equity"},
    "transfer": {"transfer"},
    "license": {"license"},
    "consulting": {"service"},
    "service": {"service"},
    "talent": {"cooperation", "service"},
}


EVENT_LABELS = {
    "created": _("Created"),
    "edited": _("Edited"),
    "submitted": _("Submitted for review"),
    "returned": _("Returned for revision"),
    "approved": _("Approved and published"),
    "closed": _("Closed"),
    "solved": _("Marked as solved"),
    "expired": _("Expired"),
    "renewed": _("Renewed"),
    "revised": _("Reopened for revision"),
    "reminder_sent": _("Expiry reminder sent"),
}
