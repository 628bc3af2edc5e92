"""Challenge tenders (难题招标 / 揭榜挂帅): an enterprise's (or the bureau's) demand put out as a challenge
with a budget or prize, a deadline and weighted evaluation criteria; solvers' sealed proposals; the award.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from keqiao.common.choices import TechField
from keqiao.common.models import ListingEvent
from keqiao.common.money import money_field

from . import choices


class Challenge(models.Model):
    """A demand turned into a challenge. The challenger is the demand's organisation, or the city S&T
    bureau for a city challenge (城市揭榜) on an enterprise's behalf.

    `criteria` is a list of {"name": str, "weight": int}, weights summing to 100, fixed at publication so
    every proposal is scored against the same yardstick.
    """

    Status = choices.ChallengeStatus

    demand = models.ForeignKey(
        "demands.Demand", verbose_name=_("demand"), on_delete=models.PROTECT, related_name="challenges"
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("challenger"),
        on_delete=models.PROTECT,
        related_name="challenges",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("challenge title"), max_length=200)
    goals = models.TextField(_("goals"), max_length=3000)
    indicators = models.TextField(_("technical indicators"), max_length=3000)
    reward_kind = models.CharField(
        _("budget or prize"), max_length=10, choices=choices.RewardKind.choices, default="budget"
    )
    amount = money_field(_("amount (yuan)"))
    deadline = models.DateTimeField(_("deadline for proposals"), db_index=True)
    eligibility = models.TextField(_("eligibility"), max_length=2000)
    criteria = models.JSONField(_("evaluation criteria"), default=list)
    evaluation = models.CharField(
        _("evaluation"), max_length=12, choices=choices.Evaluation.choices, default="challenger"
    )
    # Copied from the demand at publication: the statistics group by them without a join.
    tech_field = models.CharField(_("technology field"), max_length=30, choices=TechField.choices)
    region = models.ForeignKey("common.Region", verbose_name=_("region"), on_delete=models.PROTECT)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=choices.ChallengeStatus.choices,
        default=choices.ChallengeStatus.OPEN,
    )
    status_note = models.CharField(_("reason"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published at"))
    closed_at = models.DateTimeField(_("proposals opened at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="challenge_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(deadline__gt=F("published_at")), name="challenge_deadline_after"
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="challenge_status_deadline_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("challenges:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == choices.ChallengeStatus.OPEN

    @property
    def is_decided(self) -> bool:
        return self.status in choices.CLOSED_STATUSES


def _proposal_path(instance, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"challenges/{instance.proposal.challenge_id}/{uuid.uuid4().hex}.{ext}"


class Proposal(models.Model):
    """A solver's proposal (揭榜方案): confidential to the solver, the challenger (once the deadline has
    passed) and the experts reviewing it. `scores` maps a criterion's index to 0–100."""

    Status = choices.ProposalStatus

    challenge = models.ForeignKey(
        Challenge, verbose_name=_("challenge"), on_delete=models.PROTECT, related_name="proposals"
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("solver"),
        on_delete=models.PROTECT,
        related_name="challenge_proposals",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    approach = models.TextField(_("technical approach"), max_length=5000)
    indicators_response = models.TextField(_("indicators committed to"), max_length=3000)
    team = models.TextField(_("team and track record"), max_length=2000, blank=True)
    price = money_field(_("price asked (yuan)"))
    months = models.PositiveSmallIntegerField(_("duration (months)"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=choices.ProposalStatus.choices,
        default=choices.ProposalStatus.SUBMITTED,
    )
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    total = models.DecimalField(_("weighted score"), max_digits=5, decimal_places=2, null=True, blank=True)
    score_note = models.TextField(_("evaluation comments"), max_length=2000, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scored by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    deal = models.OneToOneField(
        "negotiations.Deal",
        verbose_name=_("deal"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="challenge_proposal",
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "organization"],
                condition=~Q(status="withdrawn"),
                name="proposal_one_per_solver",
            ),
            models.CheckConstraint(condition=Q(months__gte=1, months__lte=120), name="proposal_months_range"),
        ]

    def __str__(self) -> str:
        return f"{self.challenge_id}: {self.organization_id}"

    def get_absolute_url(self) -> str:
        return reverse("challenges:proposal", args=[self.challenge_id, self.pk])

    @property
    def is_active(self) -> bool:
        return self.status != choices.ProposalStatus.WITHDRAWN

    def score_rows(self) -> list[dict]:
        """The challenge's criteria with this proposal's score for each (None when not scored)."""
        return [
            {"index": i, "name": c["name"], "weight": c["weight"], "score": self.scores.get(str(i))}
            for i, c in enumerate(self.challenge.criteria)
        ]


def weighted_total(criteria: list[dict], scores: dict) -> Decimal:
    """Σ weight × score / 100, to 2 decimals (weights sum to 100, scores are 0–100: the total is 0–100)."""
    total = sum(Decimal(c["weight"]) * Decimal(scores[str(i)]) for i, c in enumerate(criteria))
    return (total / 100).quantize(Decimal("0.01"))


class ProposalAttachment(models.Model):
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=_proposal_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class ChallengeEvent(ListingEvent):
    """The audit rows of a challenge: publication, proposals (by number only), the opening, the award."""

    SUBJECT = "challenge"
    EVENT_LABELS = choices.CHALLENGE_EVENT_LABELS
    STATUS_LABELS = dict(choices.ChallengeStatus.choices)

    challenge = models.ForeignKey(
        Challenge, verbose_name=_("challenge"), on_delete=models.PROTECT, related_name="events"
    )

    class Meta(ListingEvent.Meta):
        verbose_name = _("challenge event")
        verbose_name_plural = _("challenge events")
