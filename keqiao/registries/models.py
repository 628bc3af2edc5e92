"""The innovation registries: enterprise qualifications and R&D platforms, each proposed by the
organisation that holds it, with evidence, and confirmed by its designated department or the S&T bureau.

A record counts for the plan's indicators while it is confirmed and valid: a qualification from its
validity's start to its end (it stops counting on its expiry date, whether or not the daily job has
marked it expired yet), a platform from its recognition until it is revoked. `ended_on` keeps the day a
record stopped counting, so a past year's figure stays what it was.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from keqiao.common.models import ListingEvent

from . import choices


def evidence_path(instance, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"registries/{instance._meta.model_name}/{uuid.uuid4().hex}.{ext}"


class RegistryRecord(models.Model):
    """What every registry record has: its holder, the department that confirms it, its evidence file
    (checked like every upload; its SHA-256 kept) and the dates it started and stopped counting."""

    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("confirming department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The government department that confirms the record; the S&T bureau always may."),
    )
    evidence = models.FileField(pgettext_lazy("registry", "evidence"), upload_to=evidence_path, blank=True)
    evidence_name = models.CharField(_("evidence file name"), max_length=200, blank=True)
    evidence_type = models.CharField(_("evidence content type"), max_length=60, blank=True)
    evidence_sha256 = models.CharField(_("evidence SHA-256"), max_length=64, blank=True)
    status_note = models.CharField(_("reason"), max_length=500, blank=True)
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True)
    ended_on = models.DateField(
        _("stopped counting on"),
        null=True,
        blank=True,
        help_text=_("The day the record was revoked or expired."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("registry", "proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(pgettext_lazy("registry", "proposed at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Qualification(RegistryRecord):
    """An enterprise's qualification (national high-tech enterprise, technology-based SME, demonstration
    enterprise, 专精特新) with its certificate number, issuing body and validity."""

    kind = models.CharField(_("qualification"), max_length=20, choices=choices.QualificationKind.choices)
    number = models.CharField(_("certificate number"), max_length=60, blank=True)
    issuing_body = models.CharField(pgettext_lazy("certificate", "issuing body"), max_length=100)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=choices.QualificationStatus.choices,
        default=choices.QualificationStatus.PROPOSED,
    )
    reminded_at = models.DateTimeField(_("re-certification reminder sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("enterprise qualification")
        verbose_name_plural = _("enterprise qualifications")
        ordering = ["-valid_from", "-id"]
        indexes = [
            models.Index(fields=["kind", "status", "valid_until"]),
            models.Index(fields=["kind", "number"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gt=models.F("valid_from")), name="qualification_dates_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}".strip()

    def get_absolute_url(self) -> str:
        return reverse("registries:qualification", args=[self.pk])

    def counts_on(self, day) -> bool:
        """Whether the qualification counts for the plan on `day`."""
        return (
            self.confirmed_on is not None
            and self.confirmed_on <= day
            and self.valid_from <= day <= self.valid_until
            and (self.ended_on is None or self.ended_on > day)
        )


class QualificationEvent(ListingEvent):
    """One step of a qualification: proposed, confirmed, revoked, expired … (append-only)."""

    SUBJECT = "qualification"
    EVENT_LABELS = choices.EVENT_LABELS

    qualification = models.ForeignKey(
        Qualification, verbose_name=_("qualification"), on_delete=models.PROTECT, related_name="events"
    )

    class Meta(ListingEvent.Meta):
        verbose_name = _("qualification event")
        verbose_name_plural = _("qualification events")


class Platform(RegistryRecord):
    """An R&D platform (key laboratory, engineering technology research centre, enterprise technology
    centre, engineering laboratory, new R&D institution) hosted by an organisation, with its level and
    the document that recognised it."""

    name = models.CharField(_("platform name"), max_length=120)
    kind = models.CharField(_("kind of platform"), max_length=20, choices=choices.PlatformKind.choices)
    level = models.CharField(pgettext_lazy("platform", "level"), max_length=12, choices=choices.Level.choices)
    document = models.CharField(_("recognition document"), max_length=100)
    recognised_on = models.DateField(_("recognised on"))
    tech_field = models.CharField(_("technology field"), max_length=100, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=choices.PlatformStatus.choices,
        default=choices.PlatformStatus.PROPOSED,
    )

    class Meta:
        verbose_name = _("R&D platform")
        verbose_name_plural = _("R&D platforms")
        ordering = ["kind", "name", "id"]
        indexes = [models.Index(fields=["kind", "status", "level"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registries:platform", args=[self.pk])


class PlatformEvent(ListingEvent):
    """One step of an R&D platform: proposed, confirmed, evaluated, revoked … (append-only)."""

    SUBJECT = "platform"
    EVENT_LABELS = choices.EVENT_LABELS

    platform = models.ForeignKey(
        Platform, verbose_name=_("R&D platform"), on_delete=models.PROTECT, related_name="events"
    )

    class Meta(ListingEvent.Meta):
        verbose_name = _("platform event")
        verbose_name_plural = _("platform events")
