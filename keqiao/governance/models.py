"""Action plans as data: the plan, its indicators (targets) and its tasks with responsible departments."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .naming import clean_task_name


class Department(models.Model):
    """A responsible department of the annex table (市科技局, 各县(区)政府, 市级园区管委会 …).

    Its members are the members of the linked organisation on the platform, when there is one.
    """

    class Kind(models.TextChoices):
        CITY = "city", _("City department")
        COUNTIES = "counties", _("County and district governments")
        PARKS = "parks", _("Park management committees")
        OTHER = "other", _("Other body")

    name = models.CharField(_("name"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CITY)
    organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("organisation on the platform"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="departments",
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class ActionPlan(models.Model):
    title = models.CharField(_("title"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=100)
    starts_on = models.DateField(_("period from"))
    ends_on = models.DateField(_("period to"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("governance:plan", args=[self.pk])


class Indicator(models.Model):
    """A numeric target of a plan; its actual value is computed from platform records or reported."""

    class Source(models.TextChoices):
        QUERY = "query", _("Computed from platform records")
        REPORTED = "reported", _("Reported by a department")

    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="indicators"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("indicator"), max_length=200)
    target_value = models.DecimalField(
        _("target"), max_digits=16, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    unit = models.CharField(_("unit"), max_length=20)
    deadline = models.DateField(_("deadline"))
    source = models.CharField(_("source of the actual value"), max_length=10, choices=Source.choices)
    query = models.CharField(_("query"), max_length=40, blank=True)
    # Annual figures (the year's total) or cumulative since the plan's start.
    cumulative = models.BooleanField(_("cumulative since the plan's start"), default=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("reporting department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="indicator_plan_number_uniq")]

    def __str__(self) -> str:
        return self.name


class IndicatorReport(models.Model):
    """A reported actual value of an indicator for a year, with its provenance."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="reports"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(
        _("value"), max_digits=16, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    region = models.ForeignKey(
        "common.Region",
        verbose_name=_("county, district or park"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    evidence = models.TextField(_("evidence"), max_length=2000)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reported value")
        verbose_name_plural = _("reported values")
        ordering = ["indicator", "year", "-created_at"]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}: {self.value}"


class Task(models.Model):
    """A row of the plan's task table: key work area, task, content, departments, schedule."""

    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="tasks"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    work_area = models.CharField(_("key work area"), max_length=200)
    title = models.CharField(_("key task"), max_length=200, blank=True)
    content = models.TextField(_("content"), max_length=4000)
    schedule = models.CharField(_("schedule"), max_length=100)
    departments = models.ManyToManyField(
        Department, verbose_name=_("responsible departments"), through="TaskAssignment", related_name="tasks"
    )

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="task_plan_number_uniq")]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    @property
    def name(self) -> str:
        """The task's name; a row of the table without one is named by its key work area."""
        return self.title or clean_task_name(self.work_area)

    @property
    def lead(self) -> Department | None:
        first = min(self.assignments.all(), key=lambda a: a.position, default=None)
        return first.department if first else None


class TaskAssignment(models.Model):
    """A department responsible for a task; position 0 is the lead department."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="assignments"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="assignments"
    )
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("task assignment")
        verbose_name_plural = _("task assignments")
        ordering = ["task", "position"]
        constraints = [
            models.UniqueConstraint(fields=["task", "department"], name="task_assignment_uniq"),
            models.UniqueConstraint(fields=["task", "position"], name="task_assignment_position_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.department}"

    @property
    def is_lead(self) -> bool:
        return self.position == 0
