"""Writes for task supervision: filing and editing progress reports, the lead department's consolidation,
and reminders to departments whose report is overdue.

Every write locks the task's row (reports and the consolidation of a task are serialised on it), writes an
event row (who, when, what) and queues its notifications, which are e-mailed after commit.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from keqiao.accounts.models import User
from keqiao.common.errors import DomainError, NotPermitted, TransitionNotAllowed
from keqiao.common.uploads import check_upload
from keqiao.common.validators import strip_invisible
from keqiao.common.workflow import clean_text
from keqiao.governance.models import ActionPlan, Department, Task, TaskAssignment
from keqiao.governance.selectors import user_departments
from keqiao.notifications.services import notify
from keqiao.notifications.text import gettext_lazy as _  # notification texts keep their message

from .models import (
    Consolidation,
    ProgressReport,
    ProgressStatus,
    ReminderClaim,
    ReportAttachment,
    ReportFigure,
    SupervisionEvent,
    is_overdue,
    last_due_period,
    period_allowed,
    period_due,
    period_end,
    period_start,
)

MAX_FIGURES = 5
MAX_ATTACHMENTS = 5
MAX_FIGURE = Decimal("1e14")
NOTIFICATION_VERB = "supervision"


# --- helpers ---------------------------------------------------------------------------------------


def _check_status(status: str, field: str = "status") -> str:
    if status not in ProgressStatus.values:
        raise DomainError(_("Choose a status."), field=field)
    return status


def _check_period(task: Task, period: str, today: datetime.date) -> str:
    period = (period or "").strip().upper()
    if not period_allowed(task.plan, period, today):
        raise DomainError(
            _("“%(period)s” is not a reporting period of this plan (from its start to the current period).")
            % {"period": period or "—"},
            field="period",
        )
    return period


def clean_figures(figures) -> list[tuple[str, Decimal, str]]:
    """Key figures as (name, value, unit); rows without name and value are ignored.

    Accepts dicts with name/value/unit or (name, value[, unit]) tuples. A figure needs a name and a finite
    number below 10^14 with at most two decimals; names may not repeat; at most MAX_FIGURES figures.
    """
    cleaned: list[tuple[str, Decimal, str]] = []
    for row in figures or []:
        if isinstance(row, dict):
            name, value, unit = row.get("name"), row.get("value"), row.get("unit")
        else:
            name, value, unit = (list(row) + [None, None, None])[:3]
        name = strip_invisible(str(name or "")).strip()
        unit = strip_invisible(str(unit or "")).strip()
        raw = "" if value is None else str(value).replace(",", "").strip()
        if not name and not raw:
            continue
        if not name:
            raise DomainError(_("Every figure needs a name."), field="figures")
        if len(name) > 60 or len(unit) > 20:
            raise DomainError(
                _("Figure names have at most 60 characters and units at most 20."), field="figures"
            )
        if isinstance(value, float):
            raw = repr(value)
        try:
            number = Decimal(raw)
        except (InvalidOperation, ValueError) as exc:
            raise DomainError(
                _("“%(name)s”: “%(value)s” is not a number.") % {"name": name, "value": raw or "—"},
                field="figures",
            ) from exc
        if not number.is_finite() or abs(number) >= MAX_FIGURE:
            raise DomainError(_("“%(name)s”: the number is not plausible.") % {"name": name}, field="figures")
        if number != number.quantize(Decimal("0.01")):
            raise DomainError(_("“%(name)s”: at most two decimal places.") % {"name": name}, field="figures")
        if any(existing == name for existing, _v, _u in cleaned):
            raise DomainError(_("The figure “%(name)s” appears twice.") % {"name": name}, field="figures")
        cleaned.append((name, number.quantize(Decimal("0.01")), unit))
    if len(cleaned) > MAX_FIGURES:
        raise DomainError(_("At most %(max)d figures per report.") % {"max": MAX_FIGURES}, field="figures")
    return cleaned


def _check_files(files) -> list[tuple[object, str]]:
    checked = []
    for f in files or []:
        try:
            checked.append((f, check_upload(f)))
        except ValidationError as exc:
            raise DomainError(f"{f.name}: {' '.join(exc.messages)}", field="files") from exc
    return checked


def _lock_task(task: Task) -> Task:
    return Task.objects.select_for_update().select_related("plan").get(pk=task.pk)


def _assignments(task: Task) -> list[TaskAssignment]:
    return list(TaskAssignment.objects.filter(task=task).select_related("department").order_by("position"))


def _event(
    task: Task,
    *,
    by,
    action: str,
    period: str,
    department=None,
    status: str = "",
    from_status="",
    note="",
    changes=None,
):
    return SupervisionEvent.record(
        task,
        by=by,
        action=action,
        from_status=from_status,
        to_status=status,
        note=note,
        changes=changes,
        period=period,
        department=department,
    )


def _department_users(departments) -> list[int]:
    org_ids = [d.organization_id for d in departments if d.organization_id]
    if not org_ids:
        return []
    return list(
        User.objects.filter(memberships__organization_id__in=org_ids, is_active=True)
        .values_list("pk", flat=True)
        .distinct()
    )


def _tell(departments, *, task: Task, period: str, title, key: str, exclude=None) -> int:
    user_ids = set(_department_users(departments))
    if exclude is not None:
        user_ids.discard(exclude.pk)
    reason = _("Supervision of task %(n)d of “%(plan)s”") % {"n": task.number, "plan": task.plan.title}
    notify(
        {uid: (reason, None) for uid in user_ids},
        verb=NOTIFICATION_VERB,
        title=title,
        url=f"{reverse('supervision:task', args=[task.pk])}?period={period}",
        key=key,
    )
    return len(user_ids)


def _task_label(task: Task) -> str:
    return f"{task.number}. {task.name}"


# --- progress reports ------------------------------------------------------------------------------


def reporting_department(task: Task, by, department: Department | None = None) -> Department:
    """The department `by` reports for on `task`; refuses users whose department is not responsible."""
    mine = {d.pk for d in user_departments(by)}
    responsible = [a.department for a in _assignments(task) if a.department_id in mine]
    if department is not None:
        responsible = [d for d in responsible if d.pk == department.pk]
    if not responsible:
        raise NotPermitted(_("Your department is not responsible for this task."))
    if len(responsible) > 1:
        raise DomainError(_("Choose the department you report for."), field="department")
    return responsible[0]


@transaction.atomic
def report_save(
    *,
    task: Task,
    by: User,
    period: str,
    text: str,
    status: str,
    figures=(),
    files=(),
    remove_attachments=(),
    department: Department | None = None,
    today: datetime.date | None = None,
) -> ProgressReport:
    """File or edit the progress report of `by`'s department on `task` for `period`.

    One report per task, department and period; it can be changed until the lead department has
    consolidated the period. Figures replace the previous ones; files are added to the attachments.
    """
    today = today or timezone.localdate()
    task = _lock_task(task)
    department = reporting_department(task, by, department)
    period = _check_period(task, period, today)
    if Consolidation.objects.filter(task=task, period=period).exists():
        raise TransitionNotAllowed(
            _("The lead department has consolidated %(period)s; its reports can no longer be changed.")
            % {"period": period}
        )
    body = clean_text(text, field="text", max_length=4000, what=_("Describe the progress made."))
    status = _check_status(status)
    cleaned_figures = clean_figures(figures)
    checked = _check_files(files)
    report = (
        ProgressReport.objects.select_for_update()
        .filter(task=task, department=department, period=period)
        .first()
    )
    existing = report.attachments.count() if report else 0
    removing = (
        set(report.attachments.filter(pk__in=list(remove_attachments or [])).values_list("pk", flat=True))
        if report
        else set()
    )
    if existing - len(removing) + len(checked) > MAX_ATTACHMENTS:
        raise DomainError(
            _("At most %(max)d attachments per report.") % {"max": MAX_ATTACHMENTS}, field="files"
        )
    if report is None:
        report = ProgressReport.objects.create(
            task=task, department=department, period=period, text=body, status=status, filed_by=by
        )
        _event(task, by=by, action="report_filed", period=period, department=department, status=status)
        created = True
    else:
        from_status = report.status
        changes = {}
        if report.text != body:
            changes["text"] = True
        if from_status != status:
            changes["status"] = [from_status, status]
        report.text, report.status, report.updated_by = body, status, by
        report.save(update_fields=["text", "status", "updated_by", "updated_at"])
        _event(
            task,
            by=by,
            action="report_edited",
            period=period,
            department=department,
            status=status,
            from_status=from_status,
            changes=changes,
        )
        created = False
    report.figures.all().delete()
    ReportFigure.objects.bulk_create(
        ReportFigure(report=report, position=i, name=name, value=value, unit=unit)
        for i, (name, value, unit) in enumerate(cleaned_figures)
    )
    for att in report.attachments.filter(pk__in=removing):
        _event(
            task,
            by=by,
            action="attachment_removed",
            period=period,
            department=department,
            note=att.original_name,
        )
        att.file.delete(save=False)
        att.delete()
    for f, mime in checked:
        att = ReportAttachment.objects.create(
            report=report, file=f, original_name=f.name[:200], content_type=mime, size=f.size, uploaded_by=by
        )
        _event(
            task,
            by=by,
            action="attachment_added",
            period=period,
            department=department,
            note=att.original_name,
        )
    assignments = _assignments(task)
    lead = assignments[0].department if assignments else None
    if created and lead is not None and lead.pk != department.pk:
        _tell(
            [lead],
            task=task,
            period=period,
            title=_("%(department)s filed its %(period)s progress report on task %(task)s")
            % {"department": department.name, "period": period, "task": _task_label(task)},
            key=f"supervision:report:{report.pk}",
            exclude=by,
        )
    return report


# --- consolidation ---------------------------------------------------------------------------------


@transaction.atomic
def consolidate(
    *,
    task: Task,
    by: User,
    period: str,
    summary: str,
    status: str,
    mark_missing: bool = False,
    today: datetime.date | None = None,
) -> Consolidation:
    """The lead department writes the period's consolidated summary and overall status of its task.

    Every co-department must have reported; after the due date the lead may instead record those that
    have not as missing (`mark_missing`). Consolidation closes the period's reports of the task.
    """
    today = today or timezone.localdate()
    task = _lock_task(task)
    assignments = _assignments(task)
    if not assignments:
        raise DomainError(_("This task has no responsible department."))
    lead = assignments[0].department
    if lead.pk not in {d.pk for d in user_departments(by)}:
        raise NotPermitted(_("Only the lead department of the task can consolidate its reports."))
    period = _check_period(task, period, today)
    if Consolidation.objects.filter(task=task, period=period).exists():
        raise TransitionNotAllowed(_("%(period)s has already been consolidated.") % {"period": period})
    summary = clean_text(
        summary, field="summary", max_length=6000, what=_("Write the consolidated summary of the period.")
    )
    status = _check_status(status)
    reported = set(
        ProgressReport.objects.filter(task=task, period=period).values_list("department_id", flat=True)
    )
    missing = [a.department for a in assignments[1:] if a.department_id not in reported]
    if missing and not mark_missing:
        raise DomainError(
            _(
                "Not every co-department has reported yet: %(names)s. "
                "After the due date you can record them as not reported and consolidate."
            )
            % {"names": "、".join(d.name for d in missing)},
            field="mark_missing",
        )
    if missing and not is_overdue(period, today):
        raise DomainError(
            _("Co-departments can only be recorded as not reported after the due date (%(due)s).")
            % {"due": period_due(period).isoformat()},
            field="mark_missing",
        )
    consolidation = Consolidation.objects.create(
        task=task, period=period, summary=summary, status=status, department=lead, consolidated_by=by
    )
    consolidation.missing_departments.set(missing)
    note = (
        str(_("Not reported: %(names)s") % {"names": "、".join(d.name for d in missing)}) if missing else ""
    )
    _event(task, by=by, action="consolidated", period=period, status=status, note=note)
    _tell(
        [a.department for a in assignments],
        task=task,
        period=period,
        title=_("The lead department consolidated %(period)s of task %(task)s")
        % {"period": period, "task": _task_label(task)},
        key=f"supervision:consolidated:{task.pk}:{period}",
        exclude=by,
    )
    return consolidation


# --- reminders -------------------------------------------------------------------------------------


def overdue_assignments(period: str) -> list[TaskAssignment]:
    """Responsible departments whose report for `period` is missing on a task not yet consolidated.

    The lead department's cell is satisfied by its own report or by the consolidation (see
    selectors.cell_state). Tasks of plans that start after the period, or ended before it, are not
    concerned: a plan's reporting periods end with the plan.
    """
    plans = ActionPlan.objects.filter(starts_on__lte=period_end(period), ends_on__gte=period_start(period))
    reported = ProgressReport.objects.filter(period=period).values_list("task_id", "department_id")
    reported = set(reported)
    consolidated = set(Consolidation.objects.filter(period=period).values_list("task_id", flat=True))
    candidates = (
        TaskAssignment.objects.filter(task__plan__in=plans)
        .exclude(task_id__in=consolidated)
        .select_related("task", "task__plan", "department")
        .order_by("task__plan_id", "task__number", "position")
    )
    return [a for a in candidates if (a.task_id, a.department_id) not in reported]


def remind_overdue(now: datetime.datetime | None = None) -> dict[str, int]:
    """Remind the members of each department whose report for the last due period is missing.

    At most once per (task, department, period): a ReminderClaim row is inserted first (unique), so a
    second run, or two runs at once, never remind twice. Departments without an organisation on the
    platform (no members) are skipped and not claimed, so they are reminded once they are linked.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    period = last_due_period(today)
    claimed = set(ReminderClaim.objects.filter(period=period).values_list("task_id", "department_id"))
    counts = {"reminded": 0, "notified": 0}
    for a in overdue_assignments(period):
        if (a.task_id, a.department_id) in claimed or not a.department.organization_id:
            continue
        recipients = _department_users([a.department])
        if not recipients:
            continue
        try:
            with transaction.atomic():
                claim = ReminderClaim.objects.create(task=a.task, department=a.department, period=period)
                notified = _tell(
                    [a.department],
                    task=a.task,
                    period=period,
                    title=_("Overdue: the %(period)s progress report on task %(task)s was due on %(due)s")
                    % {"period": period, "task": _task_label(a.task), "due": period_due(period).isoformat()},
                    key=f"supervision:overdue:{a.task_id}:{a.department_id}:{period}",
                )
                claim.recipients = notified
                claim.save(update_fields=["recipients"])
                _event(a.task, by=None, action="reminded", period=period, department=a.department)
        except IntegrityError:
            continue  # another run claimed it first
        counts["reminded"] += 1
        counts["notified"] += notified
    return counts
