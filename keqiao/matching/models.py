"""Subscriptions, in-app notifications and brokers' recommendations."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    INSTANT = "instant", _("Instantly")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    NEVER = "never", _("In the platform only")


class Subscription(models.Model):
    """Something a user follows: a technology field, a keyword query, an organisation, or a listing."""

    class Kind(models.TextChoices):
        FIELD = "field", _("Technology field")
        QUERY = "query", _("Keyword query")
        ORGANIZATION = "organization", _("Organisation")
        ACHIEVEMENT = "achievement", _("Achievement")
        DEMAND = "demand", _("Demand")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    value = models.CharField(_("value"), max_length=200)
    label = models.CharField(_("label"), max_length=200, blank=True)
    frequency = models.CharField(
        _("e-mail frequency"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [models.UniqueConstraint(fields=["user", "kind", "value"], name="subscription_uniq")]
        indexes = [models.Index(fields=["kind", "value"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.kind}:{self.value}"


class Notification(models.Model):
    """An in-app notification; e-mailed instantly or in a digest according to the subscription."""

    class Verb(models.TextChoices):
        NEW_MATCH = "new_match", _("New match")
        RECOMMENDATION = "recommendation", _("Recommendation from a broker")
        RECOMMENDATION_OUTCOME = "recommendation_outcome", _("Outcome of your recommendation")
        DEAL = "deal", _("Negotiation")
        CONTRACT = "contract", _("Technology contract")
        ANNUAL_REPORT = "annual_report", _("Annual report")
        SUPERVISION = "supervision", _("Task supervision")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    verb = models.CharField(_("kind"), max_length=30, choices=Verb.choices)
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    subscription = models.ForeignKey(
        Subscription, verbose_name=_("subscription"), null=True, blank=True, on_delete=models.SET_NULL
    )
    # de-duplication: one notification per user and event key (e.g. "match:demand:5:achievement:9")
    key = models.CharField(_("key"), max_length=120)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_user_key_uniq")]
        indexes = [models.Index(fields=["user", "read_at"]), models.Index(fields=["emailed_at"])]

    def __str__(self) -> str:
        return self.title


class Recommendation(models.Model):
    """A broker's push (成果推介): this achievement for that demand (or the reverse), with a note."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        DISMISSED = "dismissed", _("Dismissed")
        ACTED = "acted", _("Taken up")

    broker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("broker"),
        on_delete=models.PROTECT,
        related_name="recommendations_sent",
    )
    achievement = models.ForeignKey(
        "achievements.Achievement",
        verbose_name=_("achievement"),
        on_delete=models.CASCADE,
        related_name="recommendations",
    )
    demand = models.ForeignKey(
        "demands.Demand", verbose_name=_("demand"), on_delete=models.CASCADE, related_name="recommendations"
    )
    direction = models.CharField(
        _("sent to"),
        max_length=12,
        choices=[("demand", _("the demand's publisher")), ("achievement", _("the achievement's holder"))],
    )
    note = models.TextField(_("note"), max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SENT)
    response_note = models.CharField(_("response"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["broker", "achievement", "demand", "direction"], name="recommendation_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.achievement_id} ⇄ {self.demand_id} ({self.broker})"

    @property
    def recipient_organization_id(self) -> int:
        return self.demand.organization_id if self.direction == "demand" else self.achievement.organization_id
