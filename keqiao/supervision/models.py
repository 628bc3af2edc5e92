"""Task supervision (督办): periodic progress reports of the responsible departments on the tasks of an
action plan, the lead department's consolidation of each period, and reminders to late reporters.

Reporting periods are defined here, and only here: PERIOD_MONTHS and DUE_AFTER_DAYS.
"""

import datetime
import re
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keqiao.common.models import ListingEvent

# --- reporting periods -----------------------------------------------------------------------------

# Length of a reporting period in months (1, 3, 6 or 12) and how many days after its end a report is due.
PERIOD_MONTHS = 3
DUE_AFTER_DAYS = 10

_LABELS = {12: "{y}", 6: "{y}-H{n}", 3: "{y}-Q{n}", 1: "{y}-{n:02d}"}
_LABEL_RE = re.compile(r"^(\d{4})(?:-[HQ]?(\d{1,2}))?$")
PERIODS_PER_YEAR = 12 // PERIOD_MONTHS
if PERIOD_MONTHS not in _LABELS:  # a wrong constant must stop the import, even under python -O
    raise ValueError("PERIOD_MONTHS must be 1, 3, 6 or 12")


def _label(year: int, n: int) -> str:
    return _LABELS[PERIOD_MONTHS].format(y=year, n=n)


def period_of(day: datetime.date) -> str:
    """The period containing `day`, e.g. "2026-Q4"."""
    return _label(day.year, (day.month - 1) // PERIOD_MONTHS + 1)


def parse_period(value) -> str | None:
    """The canonical label of a period, or None when `value` is not one."""
    match = _LABEL_RE.match(str(value or "").strip().upper())
    if not match:
        return None
    year, n = int(match.group(1)), int(match.group(2) or 1)
    if not (1 <= n <= PERIODS_PER_YEAR) or year < 1990:
        return None
    label = _label(year, n)
    return label if label == str(value).strip().upper() else None


def _year_n(period: str) -> tuple[int, int]:
    match = _LABEL_RE.match(period)
    if match is None:
        raise ValueError(f"not a period: {period!r}")
    return int(match.group(1)), int(match.group(2) or 1)


def period_start(period: str) -> datetime.date:
    year, n = _year_n(period)
    return datetime.date(year, (n - 1) * PERIOD_MONTHS + 1, 1)


def period_end(period: str) -> datetime.date:
    return period_start(shift_period(period, 1)) - datetime.timedelta(days=1)


def period_due(period: str) -> datetime.date:
    """The last day on which the report for `period` is on time."""
    return period_end(period) + datetime.timedelta(days=DUE_AFTER_DAYS)


def shift_period(period: str, by: int) -> str:
    year, n = _year_n(period)
    index = year * PERIODS_PER_YEAR + (n - 1) + by
    return _label(index // PERIODS_PER_YEAR, index % PERIODS_PER_YEAR + 1)


def is_overdue(period: str, today: datetime.date) -> bool:
    return today > period_due(period)


def last_due_period(today: datetime.date) -> str:
    """The most recent period whose reports are overdue when missing today."""
    period = shift_period(period_of(today), -1)
    while not is_overdue(period, today):
        period = shift_period(period, -1)
    return period


def last_plan_period(plan, today: datetime.date) -> str:
    """The last period that can be reported on for `plan`: the current one, or the plan's last when it ended."""
    current = period_of(today)
    if plan.ends_on is None:
        return current
    return min(current, period_of(plan.ends_on))


def plan_periods(plan, today: datetime.date) -> list[str]:
    """The periods of a plan that can be reported on, newest first.

    They run from the period containing the plan's start to the period containing its end (or to the
    current period while the plan runs): a plan that ended in 2020 asks for no report on 2026.
    """
    first, period = period_of(plan.starts_on), last_plan_period(plan, today)
    periods = []
    while period >= first and len(periods) < 400:
        periods.append(period)
        period = shift_period(period, -1)
    return periods


def period_allowed(plan, period: str, today: datetime.date) -> bool:
    """See plan_periods: from the plan's start to its end, and never after the current period."""
    return parse_period(period) == period and period_of(plan.starts_on) <= period <= last_plan_period(
        plan, today
    )


def filed_late(period: str, filed_at: datetime.datetime | None) -> bool:
    """Whether a report on `period` first filed at `filed_at` came in after its due date."""
    if filed_at is None:
        return False
    return timezone.localdate(filed_at) > period_due(period)


# --- records ---------------------------------------------------------------------------------------


class ProgressStatus(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    BEHIND = "behind", _("Behind schedule")
    COMPLETED = "completed", _("Completed")


class ProgressReport(models.Model):
    """A responsible department's progress report on a task for one period (one per task, department, period)."""

    task = models.ForeignKey(
        "governance.Task", verbose_name=_("task"), on_delete=models.CASCADE, related_name="progress_reports"
    )
    department = models.ForeignKey(
        "governance.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="progress_reports",
    )
    period = models.CharField(_("reporting period"), max_length=10)
    text = models.TextField(_("progress"), max_length=4000)
    status = models.CharField(_("self-assessed status"), max_length=12, choices=ProgressStatus.choices)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("report filed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("last edited at"), auto_now=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["task", "period", "department__sort_order", "department__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "department", "period"], name="progress_report_task_department_period_uniq"
            )
        ]
        indexes = [models.Index(fields=["period", "task"])]

    def __str__(self) -> str:
        return f"{self.task_id} {self.department} {self.period}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:report", args=[self.pk])

    @property
    def is_late(self) -> bool:
        """Filed after the period's due date (逾期报送)."""
        return filed_late(self.period, self.filed_at)


class ReportFigure(models.Model):
    """A key figure of a report: a name, a number and its unit (e.g. 新增科技型企业 12 家)."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="figures"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("figure"), max_length=60)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("key figure")
        verbose_name_plural = _("key figures")
        ordering = ["report", "position", "id"]

    def __str__(self) -> str:
        return f"{self.name}: {self.value} {self.unit}".strip()


def _attachment_path(instance, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"supervision/{instance.report_id}/{uuid.uuid4().hex}.{ext}"


class ReportAttachment(models.Model):
    report = models.ForeignKey(
        ProgressReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=_attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["report", "id"]

    def __str__(self) -> str:
        return self.original_name


class Consolidation(models.Model):
    """The lead department's consolidated summary of a task for one period; it closes the period's reports."""

    task = models.ForeignKey(
        "governance.Task", verbose_name=_("task"), on_delete=models.CASCADE, related_name="consolidations"
    )
    period = models.CharField(_("reporting period"), max_length=10)
    summary = models.TextField(_("consolidated summary"), max_length=6000)
    status = models.CharField(_("overall status"), max_length=12, choices=ProgressStatus.choices)
    department = models.ForeignKey(
        "governance.Department",
        verbose_name=_("lead department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    missing_departments = models.ManyToManyField(
        "governance.Department",
        verbose_name=_("departments that did not report"),
        blank=True,
        related_name="+",
    )
    consolidated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consolidated by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    consolidated_at = models.DateTimeField(_("consolidated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consolidation")
        verbose_name_plural = _("consolidations")
        ordering = ["task", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["task", "period"], name="consolidation_task_period_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.period}"


EVENT_LABELS = {
    "report_filed": _("Progress report filed"),
    "report_edited": _("Progress report edited"),
    "attachment_added": _("Attachment added"),
    "attachment_removed": _("Attachment removed"),
    "consolidated": _("Period consolidated"),
    "reminded": _("Overdue reminder sent"),
}


class SupervisionEvent(ListingEvent):
    """Who did what, when, on a task's supervision (reports, consolidation, reminders)."""

    SUBJECT = "task"

    EVENT_LABELS = EVENT_LABELS

    task = models.ForeignKey(
        "governance.Task", verbose_name=_("task"), on_delete=models.PROTECT, related_name="supervision_events"
    )
    department = models.ForeignKey(
        "governance.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    period = models.CharField(_("reporting period"), max_length=10)

    class Meta(ListingEvent.Meta):
        verbose_name = _("supervision event")
        verbose_name_plural = _("supervision events")
        indexes = [models.Index(fields=["task", "period"])]

    @property
    def status_label(self) -> str:
        return str(dict(ProgressStatus.choices).get(self.to_status, self.to_status))


class ReminderClaim(models.Model):
    """At most one overdue reminder per (task, department, period): the row is claimed before notifying."""

    task = models.ForeignKey(
        "governance.Task", verbose_name=_("task"), on_delete=models.CASCADE, related_name="+"
    )
    department = models.ForeignKey(
        "governance.Department", verbose_name=_("department"), on_delete=models.CASCADE, related_name="+"
    )
    period = models.CharField(_("reporting period"), max_length=10)
    claimed_at = models.DateTimeField(_("reminded at"), auto_now_add=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("overdue reminder")
        verbose_name_plural = _("overdue reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "department", "period"], name="reminder_claim_task_department_period_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.department_id} {self.period}"
