"""Subscriptions and brokers' recommendations (the notifications they bring are keqiao.notifications')."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from keqiao.notifications.models import Frequency


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
