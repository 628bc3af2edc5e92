"""Readiness assessments (GB/T 22900-2022) with their evidence, and saved valuations."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from keqiao.common.choices import TRL_CHOICES
from keqiao.common.models import ListingEvent

from . import choices


class TrlAssessment(models.Model):
    """A holder's walk through the readiness levels of one achievement, and its confirmation by an agency
    member or an expert."""

    Status = choices.AssessmentStatus

    achievement = models.ForeignKey(
        "achievements.Achievement",
        verbose_name=_("achievement"),
        on_delete=models.PROTECT,
        related_name="trl_assessments",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=choices.AssessmentStatus.choices,
        default=choices.AssessmentStatus.DRAFT,
    )
    self_level = models.PositiveSmallIntegerField(
        _("level reached (holder)"), default=0, validators=[MaxValueValidator(9)]
    )
    justification = models.TextField(_("justification"), max_length=4000, blank=True)
    confirmed_level = models.PositiveSmallIntegerField(
        _("confirmed level"),
        choices=TRL_CHOICES,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    reviewer_comment = models.TextField(_("assessor's comment"), max_length=4000, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_org = models.CharField(_("confirming organisation"), max_length=100, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("readiness assessment")
        verbose_name_plural = _("readiness assessments")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(self_level__gte=0, self_level__lte=9),
                name="trl_assessment_self_level_range",
            ),
            models.CheckConstraint(
                condition=models.Q(confirmed_level__isnull=True)
                | models.Q(confirmed_level__gte=1, confirmed_level__lte=9),
                name="trl_assessment_confirmed_level_range",
            ),
            # One assessment in progress per achievement; confirmed ones stay as its history.
            models.UniqueConstraint(
                fields=["achievement"],
                condition=models.Q(status__in=["draft", "submitted"]),
                name="trl_assessment_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.achievement_id} TRL {self.self_level}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:assessment", args=[self.pk])


class TrlLevelAnswer(models.Model):
    """The holder's answer for one level (met or not, with a statement) and the assessor's verdict on it."""

    assessment = models.ForeignKey(
        TrlAssessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="answers"
    )
    level = models.PositiveSmallIntegerField(
        _("level"), validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    met = models.BooleanField(_("criteria met"), default=False)
    statement = models.TextField(_("how the criteria are met"), max_length=2000, blank=True)
    verdict = models.CharField(
        _("assessor's verdict"), max_length=10, choices=choices.Verdict.choices, blank=True
    )
    comment = models.TextField(_("assessor's comment"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("level answer")
        verbose_name_plural = _("level answers")
        ordering = ["level"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "level"], name="trl_answer_level_uniq"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=9), name="trl_answer_level_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.level}"


def evidence_path(instance: "TrlEvidence", filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evaluation/trl/{instance.assessment_id}/{uuid.uuid4().hex}.{ext}"


class TrlEvidence(models.Model):
    """A file supporting one level of an assessment; its SHA-256 is kept so the evidence can be verified."""

    assessment = models.ForeignKey(
        TrlAssessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="evidence"
    )
    level = models.PositiveSmallIntegerField(
        _("level"), validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    file = models.FileField(_("file"), upload_to=evidence_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["level", "id"]

    def __str__(self) -> str:
        return self.original_name


class TrlAssessmentEvent(ListingEvent):
    """One step of an assessment: who, when, what (append-only)."""

    SUBJECT = "assessment"
    EVENT_LABELS = choices.ASSESSMENT_EVENT_LABELS

    assessment = models.ForeignKey(
        TrlAssessment, verbose_name=_("assessment"), on_delete=models.PROTECT, related_name="events"
    )

    class Meta(ListingEvent.Meta):
        verbose_name = _("assessment event")
        verbose_name_plural = _("assessment events")


class Valuation(models.Model):
    """A saved valuation: its inputs, the method version and random seed that reproduce it, its results."""

    title = models.CharField(_("title"), max_length=200)
    organization = models.ForeignKey(
        "accounts.Organization", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    achievement = models.ForeignKey(
        "achievements.Achievement",
        verbose_name=_("achievement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deal = models.ForeignKey(
        "negotiations.Deal",
        verbose_name=_("shared into negotiation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    shared_at = models.DateTimeField(_("shared at"), null=True, blank=True)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    inputs = models.JSONField(_("inputs"), default=dict)
    results = models.JSONField(_("results"), default=dict)
    method_version = models.CharField(_("method version"), max_length=20)
    seed = models.PositiveIntegerField(_("random seed"), validators=[MaxValueValidator(2**31 - 1)])
    draws = models.PositiveIntegerField(
        _("draws"), validators=[MinValueValidator(100), MaxValueValidator(100_000)]
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("valuation")
        verbose_name_plural = _("valuations")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["organization", "-updated_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("evaluation:valuation", args=[self.pk])


class ValuationEvent(ListingEvent):
    """One change of a valuation (append-only)."""

    SUBJECT = "valuation"
    EVENT_LABELS = choices.VALUATION_EVENT_LABELS

    valuation = models.ForeignKey(
        Valuation, verbose_name=_("valuation"), on_delete=models.PROTECT, related_name="events"
    )

    class Meta(ListingEvent.Meta):
        verbose_name = _("valuation event")
        verbose_name_plural = _("valuation events")
