"""Annual reports on the transfer of S&T achievements (科技成果转化年度报告) and funded S&T plan projects."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from keqiao.common.models import ListingEvent
from keqiao.common.money import money_field

from . import choices


def default_deadline(year: int) -> datetime.date:
    """Reports of a year are due on 31 March of the following year."""
    return datetime.date(year + 1, 3, 31)


class ReportingYear(models.Model):
    """The filing window of one year's reports."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    opens_on = models.DateField(_("filing opens on"))
    deadline = models.DateField(_("deadline"), blank=True)
    note = models.CharField(_("note to institutions"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("reporting year")
        verbose_name_plural = _("reporting years")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("opens_on")), name="reporting_year_window_order"
            )
        ]

    def __str__(self) -> str:
        return str(self.year)

    def save(self, *args, **kwargs):
        if self.deadline is None and self.year:
            self.deadline = default_deadline(self.year)
        super().save(*args, **kwargs)

    def is_open(self, today: datetime.date) -> bool:
        return self.opens_on <= today

    def is_past_deadline(self, today: datetime.date) -> bool:
        return today > self.deadline


class AnnualReport(models.Model):
    """One institution's report for one year. Numeric figures live in `figures` (keys of
    choices.FIGURES); `prefilled` keeps what the platform computed, `explanations` why a pre-filled
    figure was corrected."""

    Status = choices.ReportStatus

    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="annual_reports",
    )
    reporting_year = models.ForeignKey(
        ReportingYear, verbose_name=_("year"), on_delete=models.PROTECT, related_name="reports"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=choices.ReportStatus.choices, default=choices.ReportStatus.DRAFT
    )
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    prefilled = models.JSONField(_("figures known to the platform"), default=dict, blank=True)
    explanations = models.JSONField(_("explanations of corrected figures"), default=dict, blank=True)
    policy_text = models.TextField(_("implementation of policies"), max_length=10000, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    review_comment = models.TextField(
        _("comments of the supervising department"), max_length=2000, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-reporting_year__year", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "reporting_year"], name="annual_report_org_year_uniq"
            )
        ]
        indexes = [models.Index(fields=["reporting_year", "status"])]

    def __str__(self) -> str:
        return f"{self.organization} {self.reporting_year.year}"

    def get_absolute_url(self) -> str:
        return reverse("annualreports:detail", args=[self.pk])

    @property
    def year(self) -> int:
        return self.reporting_year.year

    @property
    def status_label(self) -> str:
        """The status as shown: a draft that was filed before is being corrected after a reopen."""
        if self.status == self.Status.DRAFT and self.submitted_at:
            return str(choices.REPORT_EVENT_LABELS["reopen"])
        return self.get_status_display()

    @property
    def is_editable(self) -> bool:
        return self.status in choices.EDITABLE_STATUSES

    @property
    def is_frozen(self) -> bool:
        return self.status in choices.FROZEN_STATUSES

    def corrected_keys(self) -> list[str]:
        """Pre-filled figures whose reported value differs from what the platform computed."""
        return [
            key
            for key, known in (self.prefilled or {}).items()
            if key in self.figures and str(self.figures[key]) != str(known)
        ]

    def figure_rows(self) -> list[dict]:
        """The figures by section for display and exports."""
        rows = []
        corrected = set(self.corrected_keys())
        for figure in choices.FIGURES:
            rows.append(
                {
                    "figure": figure,
                    "key": figure.key,
                    "section": figure.section,
                    "label": figure.label,
                    "value": self.figures.get(figure.key),
                    "prefilled": figure.key in (self.prefilled or {}),
                    "known": (self.prefilled or {}).get(figure.key),
                    "corrected": figure.key in corrected,
                    "explanation": (self.explanations or {}).get(figure.key, ""),
                }
            )
        return rows


class AnnualReportEvent(ListingEvent):
    SUBJECT = "report"
    EVENT_LABELS = choices.REPORT_EVENT_LABELS
    STATUS_LABELS = dict(choices.ReportStatus.choices)

    report = models.ForeignKey(
        AnnualReport, verbose_name=_("annual report"), on_delete=models.PROTECT, related_name="events"
    )

    class Meta(ListingEvent.Meta):
        verbose_name = _("annual report event")
        verbose_name_plural = _("annual report events")

    @property
    def from_label(self) -> str:
        return str(self.STATUS_LABELS.get(self.from_status, self.from_status))

    @property
    def to_label(self) -> str:
        return str(self.STATUS_LABELS.get(self.to_status, self.to_status))


class ReportProject(models.Model):
    """A row of the report's list of projects (section g)."""

    report = models.ForeignKey(
        AnnualReport, verbose_name=_("annual report"), on_delete=models.CASCADE, related_name="projects"
    )
    name = models.CharField(_("project name"), max_length=200)
    project_type = models.CharField(_("type"), max_length=20, choices=choices.ProjectType.choices)
    counterpart = models.CharField(_("counterpart"), max_length=100)
    amount = money_field(_("amount (yuan)"))
    date = models.DateField(_("date"))

    class Meta:
        verbose_name = _("reported project")
        verbose_name_plural = _("reported projects")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return self.name


class AnnualReportReminder(models.Model):
    """A reminder sent (claimed) once per institution, year and number of days before the deadline."""

    organization = models.ForeignKey(
        "accounts.Organization", verbose_name=_("institution"), on_delete=models.CASCADE, related_name="+"
    )
    reporting_year = models.ForeignKey(
        ReportingYear, verbose_name=_("year"), on_delete=models.CASCADE, related_name="reminders"
    )
    days = models.PositiveSmallIntegerField(_("days before the deadline"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("annual report reminder")
        verbose_name_plural = _("annual report reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "reporting_year", "days"], name="annual_report_reminder_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}/{self.reporting_year_id}/{self.days}"


class PlanProject(models.Model):
    """An S&T plan project funded by the city, with its obligations: a technology report by a due date
    and, where required, the registration of its achievements."""

    Status = choices.PlanProjectStatus

    number = models.CharField(_("project number"), max_length=40, unique=True)
    title = models.CharField(_("project title"), max_length=200)
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("undertaking organisation"),
        on_delete=models.PROTECT,
        related_name="plan_projects",
    )
    funding = money_field(_("city funding (yuan)"))
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    report_due_on = models.DateField(_("technology report due on"))
    report_submitted_on = models.DateField(_("technology report submitted on"), null=True, blank=True)
    registration_required = models.BooleanField(_("achievement registration required"), default=True)
    achievements = models.ManyToManyField(
        "achievements.Achievement",
        verbose_name=_("linked achievements"),
        blank=True,
        related_name="plan_projects",
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=choices.PlanProjectStatus.choices,
        default=choices.PlanProjectStatus.ONGOING,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("funded plan project")
        verbose_name_plural = _("funded plan projects")
        ordering = ["report_due_on", "number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="plan_project_term_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("annualreports:project", args=[self.pk])


class PlanProjectEvent(ListingEvent):
    EVENT_LABELS = choices.PLAN_PROJECT_EVENT_LABELS

    project = models.ForeignKey(
        PlanProject, verbose_name=_("funded plan project"), on_delete=models.PROTECT, related_name="events"
    )

    class Meta(ListingEvent.Meta):
        verbose_name = _("funded plan project event")
        verbose_name_plural = _("funded plan project events")
