"""Events (活动): exhibitions, matchmaking fairs, roadshows, trainings and online sessions; their
participants, the one-to-one meeting requests between participants and the schedule of those meetings."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from keqiao.common.models import ListingEvent

from . import choices


class Event(models.Model):
    """An event published by the bureau, a county bureau, a park or a service agency.

    A matchmaking fair has meeting slots (`slots` of `slot_minutes` from `meetings_start`) and `tables`,
    each table seating one meeting per slot; the organiser's optimiser fills them with accepted requests.
    """

    Kind = choices.EventKind
    Status = choices.EventStatus

    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="organised_events",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=choices.EventKind.choices)
    title = models.CharField(_("title"), max_length=120)
    summary = models.TextField(_("description"), max_length=3000)
    agenda = models.TextField(_("agenda"), max_length=3000, blank=True)
    audience = models.CharField(_("audience"), max_length=200, blank=True)
    focus = models.CharField(_("fields in focus"), max_length=200, blank=True)
    region = models.ForeignKey(
        "common.Region", verbose_name=_("district or county"), on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(
        _("capacity"), validators=[MinValueValidator(1), MaxValueValidator(100000)]
    )
    registration_opens = models.DateTimeField(_("registration opens"))
    registration_closes = models.DateTimeField(_("registration closes"))
    status = models.CharField(
        _("status"), max_length=10, choices=choices.EventStatus.choices, default=choices.EventStatus.PUBLISHED
    )
    meetings_start = models.DateTimeField(_("first meeting slot starts"), null=True, blank=True)
    slot_minutes = models.PositiveSmallIntegerField(
        _("minutes per meeting"), default=20, validators=[MinValueValidator(5), MaxValueValidator(120)]
    )
    slots = models.PositiveSmallIntegerField(
        _("meeting slots"), default=0, validators=[MaxValueValidator(48)]
    )
    tables = models.PositiveSmallIntegerField(_("tables"), default=0, validators=[MaxValueValidator(500)])
    scheduled_at = models.DateTimeField(_("last scheduled"), null=True, blank=True)
    placement_bound = models.PositiveIntegerField(_("upper bound of meetings"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(registration_closes__gt=F("registration_opens")),
                name="event_registration_window",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", args=[self.pk])

    @property
    def has_meetings(self) -> bool:
        return bool(self.slots and self.tables and self.meetings_start)

    def slot_times(self) -> list[tuple[datetime.datetime, datetime.datetime]]:
        """[(start, end)] of each meeting slot, in order."""
        if not self.meetings_start:
            return []
        step = datetime.timedelta(minutes=self.slot_minutes)
        return [
            (self.meetings_start + i * step, self.meetings_start + (i + 1) * step) for i in range(self.slots)
        ]


class Participant(models.Model):
    """A person registered for an event on behalf of an organisation (or waiting for a place).

    `unavailable` lists the meeting slots (0-based) the participant cannot meet in; a participant who
    does not accept meetings receives no requests. Contacts are shown to confirmed meeting partners only.
    """

    Status = choices.ParticipantStatus

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("participant"), on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="event_participations",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=choices.ParticipantStatus.choices,
        default=choices.ParticipantStatus.REGISTERED,
    )
    offer = models.CharField(_("what we offer"), max_length=500, blank=True)
    seek = models.CharField(_("what we seek"), max_length=500, blank=True)
    accepts_meetings = models.BooleanField(_("accepts meeting requests"), default=True)
    unavailable = models.JSONField(_("slots not available"), default=list, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    no_show = models.BooleanField(_("no-show"), default=False)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="participant_once_per_event")]

    def __str__(self) -> str:
        return f"{self.event_id}/{self.user_id}"

    @property
    def code(self) -> str:
        """The short check-in code printed under the QR code (the organiser may type it)."""
        return f"E{self.event_id}-P{self.pk}"


class MeetingRequest(models.Model):
    """A one-to-one meeting one participant asks of another, possibly about a listing of theirs.

    Once accepted the organiser's optimiser may place it: `slot` and `table` (0-based) say where;
    `confirmed` once the organiser published that schedule. Either side records the outcome after.
    """

    Status = choices.RequestStatus
    Outcome = choices.Outcome

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="meetings"
    )
    requester = models.ForeignKey(
        Participant, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="requests_sent"
    )
    invitee = models.ForeignKey(
        Participant,
        verbose_name=_("requested of"),
        on_delete=models.PROTECT,
        related_name="requests_received",
    )
    achievement = models.ForeignKey(
        "achievements.Achievement",
        verbose_name=_("achievement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    demand = models.ForeignKey(
        "demands.Demand",
        verbose_name=_("demand"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    message = models.CharField(_("message"), max_length=500, blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=1, validators=[MinValueValidator(0), MaxValueValidator(3)]
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=choices.RequestStatus.choices,
        default=choices.RequestStatus.PENDING,
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    slot = models.PositiveSmallIntegerField(_("slot"), null=True, blank=True)
    table = models.PositiveSmallIntegerField(_("table"), null=True, blank=True)
    confirmed = models.BooleanField(_("schedule published"), default=False)
    outcome = models.CharField(_("outcome"), max_length=12, choices=choices.Outcome.choices, blank=True)
    outcome_note = models.CharField(_("outcome note"), max_length=500, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("outcome recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)
    deal = models.ForeignKey(
        "negotiations.Deal",
        verbose_name=_("negotiation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["requester", "invitee"],
                condition=Q(status__in=["pending", "accepted"]),
                name="meeting_request_open_once",
            ),
            models.CheckConstraint(condition=~Q(requester=F("invitee")), name="meeting_request_not_self"),
        ]
        indexes = [models.Index(fields=["event", "status"], name="meeting_event_status_idx")]

    def __str__(self) -> str:
        return f"{self.requester_id}→{self.invitee_id}"

    @property
    def placed(self) -> bool:
        return self.slot is not None and self.table is not None

    @property
    def listing(self):
        return self.achievement or self.demand


class EventLog(ListingEvent):
    """The audit rows of an event: publication, registrations, waiting-list promotions, schedules,
    check-ins and outcomes."""

    SUBJECT = "event"
    EVENT_LABELS = choices.EVENT_LOG_LABELS
    STATUS_LABELS = dict(choices.EventStatus.choices)

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="log")

    class Meta(ListingEvent.Meta):
        verbose_name = _("event log entry")
        verbose_name_plural = _("event log entries")
