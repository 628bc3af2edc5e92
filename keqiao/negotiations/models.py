"""Negotiations: deals (意向 → 洽谈室 → 协议), their rooms, messages, meetings and offers."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from keqiao.common.models import ListingEvent
from keqiao.common.money import MAX_AMOUNT, format_yuan, money_field  # noqa: F401 (MAX_AMOUNT: the limit offers share)

from . import choices


class Deal(models.Model):
    """One organisation's interest in a published listing and everything that follows from it."""

    Status = choices.DealStatus

    achievement = models.ForeignKey(
        "achievements.Achievement",
        verbose_name=_("achievement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deals",
    )
    demand = models.ForeignKey(
        "demands.Demand",
        verbose_name=_("demand"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deals",
    )
    # The side that expressed interest, and the side that published the listing.
    initiator = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("interested organisation"),
        on_delete=models.PROTECT,
        related_name="deals_initiated",
    )
    initiated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("expressed by"), on_delete=models.PROTECT, related_name="+"
    )
    counterpart = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("listing organisation"),
        on_delete=models.PROTECT,
        related_name="deals_received",
    )
    mode = models.CharField(_("cooperation mode in mind"), max_length=30, choices=choices.DealMode.choices)
    message = models.TextField(_("message"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=12, choices=choices.DealStatus.choices, default=choices.DealStatus.INTEREST
    )
    status_note = models.CharField(_("reason"), max_length=500, blank=True)
    agreed_offer = models.ForeignKey(
        "negotiations.Offer",
        verbose_name=_("agreed offer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    last_activity_at = models.DateTimeField(_("last activity"))
    stall_reminded_at = models.DateTimeField(_("reminded of inactivity at"), null=True, blank=True)

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        ordering = ["-last_activity_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(achievement__isnull=False, demand__isnull=True)
                | Q(achievement__isnull=True, demand__isnull=False),
                name="deal_one_listing",
            ),
            models.UniqueConstraint(
                fields=["achievement", "initiator"],
                condition=Q(status__in=choices.OPEN_STATUSES),
                name="deal_open_achievement_uniq",
            ),
            models.UniqueConstraint(
                fields=["demand", "initiator"],
                condition=Q(status__in=choices.OPEN_STATUSES),
                name="deal_open_demand_uniq",
            ),
        ]
        indexes = [models.Index(fields=["status", "last_activity_at"])]

    def __str__(self) -> str:
        return f"{self.initiator} → {self.listing.title}"

    def get_absolute_url(self) -> str:
        return reverse("negotiations:room", args=[self.pk])

    @property
    def listing(self):
        return self.achievement or self.demand

    @property
    def listing_kind(self) -> str:
        return "achievement" if self.achievement_id else "demand"

    @property
    def seller(self):
        """The technology side: the achievement's holder, or whoever offers to solve a demand."""
        return self.counterpart if self.achievement_id else self.initiator

    @property
    def buyer(self):
        return self.initiator if self.achievement_id else self.counterpart

    @property
    def party_ids(self) -> set[int]:
        return {self.initiator_id, self.counterpart_id}

    @property
    def is_open(self) -> bool:
        return self.status in choices.OPEN_STATUSES

    @property
    def room_open(self) -> bool:
        return self.status in choices.ROOM_STATUSES

    @property
    def disclosed(self) -> bool:
        return self.status in choices.DISCLOSED_STATUSES


class DealEvent(ListingEvent):
    SUBJECT = "deal"
    EVENT_LABELS = choices.DEAL_EVENT_LABELS
    STATUS_LABELS = dict(choices.DealStatus.choices)

    # The keys of an offer's changes name the offer's fields, not the deal's.
    CHANGE_LABELS = {"price": _("price (yuan)"), "mode": _("mode"), "payment": _("payment terms")}

    @property
    def from_label(self) -> str:
        return str(self.STATUS_LABELS.get(self.from_status, self.from_status))

    def change_value(self, name: str, value) -> str:
        if name == "price" and value not in (None, ""):
            return format_yuan(value)
        if name == "mode":
            return str(dict(choices.DealMode.choices).get(value, value))
        if name == "payment":
            return str(dict(choices.PaymentMethod.choices).get(value, value))
        return super().change_value(name, value)

    @property
    def to_label(self) -> str:
        return str(self.STATUS_LABELS.get(self.to_status, self.to_status))

    deal = models.ForeignKey(Deal, verbose_name=_("deal"), on_delete=models.PROTECT, related_name="events")

    class Meta(ListingEvent.Meta):
        verbose_name = _("deal event")
        verbose_name_plural = _("deal events")


class DealInvitation(models.Model):
    """A technology broker or service agency invited into a room; they read and write messages."""

    deal = models.ForeignKey(
        Deal, verbose_name=_("deal"), on_delete=models.CASCADE, related_name="invitations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("broker"),
        on_delete=models.CASCADE,
        related_name="deal_invitations",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)

    class Meta:
        verbose_name = _("invited broker")
        verbose_name_plural = _("invited brokers")
        constraints = [models.UniqueConstraint(fields=["deal", "user"], name="deal_invitation_uniq")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.deal_id}"


class Message(models.Model):
    deal = models.ForeignKey(Deal, verbose_name=_("deal"), on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    reply_to = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replies",
    )
    body = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:40]


def _attachment_path(instance, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"deals/{instance.message.deal_id}/{uuid.uuid4().hex}.{ext}"


class MessageAttachment(models.Model):
    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=_attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class Meeting(models.Model):
    deal = models.ForeignKey(Deal, verbose_name=_("deal"), on_delete=models.CASCADE, related_name="meetings")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    proposer_org = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("proposing side"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    starts_at = models.DateTimeField(_("time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_link = models.URLField(_("online meeting link"), blank=True)
    agenda = models.CharField(_("agenda"), max_length=500, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=choices.MeetingStatus.choices,
        default=choices.MeetingStatus.PROPOSED,
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} {self.place or self.online_link}"


class Offer(models.Model):
    """A structured offer; a counter-offer supersedes the one it answers."""

    deal = models.ForeignKey(Deal, verbose_name=_("deal"), on_delete=models.CASCADE, related_name="offers")
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("made by"), on_delete=models.PROTECT, related_name="+"
    )
    side = models.ForeignKey(
        "accounts.Organization", verbose_name=_("side"), on_delete=models.PROTECT, related_name="+"
    )
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("counter-offer to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    price = money_field(_("price (yuan)"))
    payment_method = models.CharField(
        _("payment terms"), max_length=20, choices=choices.PaymentMethod.choices
    )
    payment_note = models.CharField(_("payment details"), max_length=300, blank=True)
    mode = models.CharField(_("mode"), max_length=30, choices=choices.DealMode.choices)
    territory = models.CharField(_("territory"), max_length=100, blank=True)
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
    )
    note = models.TextField(_("other terms"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=choices.OfferStatus.choices, default=choices.OfferStatus.OPEN
    )
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.price} ({self.get_mode_display()})"
