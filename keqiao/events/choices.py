"""Choices of events: kinds, states of a registration and of a meeting request, meeting outcomes."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EventKind(models.TextChoices):
    EXHIBITION = "exhibition", _("Exhibition")
    FAIR = "fair", _("Matchmaking fair")
    ROADSHOW = "roadshow", _("Roadshow")
    TRAINING = "training", _("Training")
    ONLINE = "online", _("Online session")


class EventStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class ParticipantStatus(models.TextChoices):
    REGISTERED = "registered", pgettext_lazy("event participant", "Registered")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# from-state -> {action: to-state}; the meeting-request services check this table before they write.
REQUEST_TRANSITIONS: dict[str, dict[str, str]] = {
    RequestStatus.PENDING: {
        "accept": RequestStatus.ACCEPTED,
        "decline": RequestStatus.DECLINED,
        "withdraw": RequestStatus.WITHDRAWN,
    },
    RequestStatus.ACCEPTED: {"withdraw": RequestStatus.WITHDRAWN},
}


class Outcome(models.TextChoices):
    NO_INTEREST = "no_interest", _("No interest")
    FOLLOW_UP = "follow_up", _("Follow up")
    NEGOTIATION = "negotiation", _("Open a negotiation")


EVENT_LOG_LABELS = {
    "published": _("Event published"),
    "cancel": _("Event cancelled"),
    "register": _("Participant registered"),
    "waitlist": _("Put on the waiting list"),
    "promote": _("Promoted from the waiting list"),
    "unregister": _("Registration cancelled"),
    "schedule": _("Meetings scheduled"),
    "checkin": _("Checked in"),
    "no_show": _("Marked as no-show"),
    "outcome": _("Meeting outcome recorded"),
}
