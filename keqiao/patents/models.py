"""专利: patent records of holders on the platform, linked to the achievements that rest on them."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import choices


class Patent(models.Model):
    """A Chinese patent (or application) as a patent office search shows it: numbers, title, parties,
    IPC codes and legal status with its dates, and where the record came from."""

    Kind = choices.Kind
    LegalStatus = choices.LegalStatus

    application_number = models.CharField(
        _("application number"), max_length=20, unique=True, help_text=_("Such as ZL202310123456.6.")
    )
    publication_number = models.CharField(_("publication number"), max_length=20, blank=True, db_index=True)
    kind = models.CharField(_("patent type"), max_length=20, choices=choices.Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    abstract = models.TextField(_("abstract"), max_length=3000, blank=True)
    applicants = models.JSONField(_("applicants / patentees"), default=list, blank=True)
    inventors = models.JSONField(_("inventors"), default=list, blank=True)
    ipc_codes = models.JSONField(_("IPC codes"), default=list, blank=True)
    legal_status = models.CharField(
        _("legal status"),
        max_length=20,
        choices=choices.LegalStatus.choices,
        default=choices.LegalStatus.PENDING,
    )
    application_date = models.DateField(_("application date"), null=True, blank=True)
    publication_date = models.DateField(_("publication date"), null=True, blank=True)
    grant_date = models.DateField(_("grant date"), null=True, blank=True)
    status_date = models.DateField(_("legal status date"), null=True, blank=True)
    holder = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("holder on the platform"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="patents",
    )
    achievements = models.ManyToManyField(
        "achievements.Achievement", verbose_name=_("achievements"), blank=True, related_name="patents"
    )
    source = models.CharField(_("source"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("patent")
        verbose_name_plural = _("patents")
        ordering = ["-application_date", "-id"]

    def __str__(self) -> str:
        return f"{self.application_number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("patents:detail", args=[self.pk])

    @property
    def in_force(self) -> bool:
        return self.legal_status == choices.LegalStatus.GRANTED
