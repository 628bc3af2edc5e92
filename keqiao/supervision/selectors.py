"""Reads for task supervision, and who may see what.

Departments see their own tasks and their own reports; the lead department of a task also sees the
co-departments' reports on it; the S&T bureau sees everything. Anybody else gets a 404, never a hint.
"""

import dataclasses
import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from keqiao.accounts.selectors import user_is_bureau, user_is_supervisor
from keqiao.governance.models import ActionPlan, Department, Task, TaskAssignment
from keqiao.governance.selectors import user_departments

from .models import (
    Consolidation,
    ProgressReport,
    ProgressStatus,
    ReportAttachment,
    SupervisionEvent,
    filed_late,
    is_overdue,
    period_of,
    plan_periods,
    shift_period,
)


def _tasks() -> QuerySet[Task]:
    return Task.objects.select_related("plan").prefetch_related(
        Prefetch("assignments", TaskAssignment.objects.select_related("department").order_by("position"))
    )


@dataclasses.dataclass
class TaskAccess:
    """What a user is to a task: the user's responsible departments on it, lead or not, bureau or not."""

    task: Task
    departments: list[Department]  # the user's departments that are responsible for the task
    lead: Department | None  # the task's lead department
    is_bureau: bool

    @property
    def is_lead(self) -> bool:
        return self.lead is not None and any(d.pk == self.lead.pk for d in self.departments)

    @property
    def sees_all_reports(self) -> bool:
        return self.is_bureau or self.is_lead

    @property
    def department_ids(self) -> set[int]:
        return {d.pk for d in self.departments}


def access_to(user, task: Task) -> TaskAccess | None:
    """The user's access to `task`, or None when the user may not see it."""
    if not getattr(user, "is_authenticated", False):
        return None
    mine = {d.pk for d in user_departments(user)}
    assignments = sorted(task.assignments.all(), key=lambda a: a.position)
    departments = [a.department for a in assignments if a.department_id in mine]
    lead = assignments[0].department if assignments else None
    bureau = user_is_bureau(user)
    if not departments and not bureau:
        return None
    return TaskAccess(task=task, departments=departments, lead=lead, is_bureau=bureau)


def task_visible_to(user, pk: int) -> TaskAccess:
    task = _tasks().filter(pk=pk).first()
    access = access_to(user, task) if task is not None else None
    if access is None:
        raise Http404
    return access


# Whether the supervision pages are open to the user at all (the role predicate lives in accounts).
can_supervise = user_is_supervisor


def tasks_of_user(user) -> QuerySet[Task]:
    """The tasks the user's departments are responsible for (all tasks for the bureau)."""
    if not getattr(user, "is_authenticated", False):
        return Task.objects.none()
    if user_is_bureau(user):
        return _tasks().all()
    ids = [d.pk for d in user_departments(user)]
    return _tasks().filter(assignments__department_id__in=ids).distinct()


def _reports() -> QuerySet[ProgressReport]:
    return ProgressReport.objects.select_related(
        "task", "task__plan", "department", "filed_by", "updated_by"
    ).prefetch_related("figures", "attachments")


def reports_for(access: TaskAccess, period: str | None = None) -> list[ProgressReport]:
    """The reports on the task the user may read (all for the lead and the bureau, else their own)."""
    qs = _reports().filter(task=access.task)
    if period:
        qs = qs.filter(period=period)
    if not access.sees_all_reports:
        qs = qs.filter(department_id__in=access.department_ids)
    return list(qs.order_by("-period", "department__sort_order", "department__name"))


def report_visible_to(user, pk: int) -> tuple[ProgressReport, TaskAccess]:
    report = _reports().filter(pk=pk).first()
    if report is None:
        raise Http404
    access = access_to(user, _tasks().get(pk=report.task_id))
    if access is None or not (access.sees_all_reports or report.department_id in access.department_ids):
        raise Http404
    return report, access


def attachment_visible_to(user, report_pk: int, attachment_pk: int) -> ReportAttachment:
    report, _access = report_visible_to(user, report_pk)
    attachment = ReportAttachment.objects.filter(pk=attachment_pk, report=report).first()
    if attachment is None:
        raise Http404
    return attachment


def assignments_of_departments(department_ids) -> list[TaskAssignment]:
    """The task assignments of these departments, in plan and task order."""
    return list(
        TaskAssignment.objects.filter(department_id__in=department_ids)
        .select_related("task", "task__plan", "department")
        .order_by("task__plan_id", "task__number", "position")
    )


def report_states(
    task_ids, period: str
) -> tuple[dict[tuple[int, int], tuple[int, str, bool]], dict[int, str]]:
    """For the tasks ``task_ids`` in ``period``: (task id, department id) → (report id, status, filed
    late) of the reports filed, and task id → status of the consolidations. Two queries."""
    reports = {
        (t, d): (pk, status, filed_late(period, filed_at))
        for pk, t, d, status, filed_at in ProgressReport.objects.filter(
            task_id__in=task_ids, period=period
        ).values_list("pk", "task_id", "department_id", "status", "filed_at")
    }
    consolidated = dict(
        Consolidation.objects.filter(task_id__in=task_ids, period=period).values_list("task_id", "status")
    )
    return reports, consolidated


def report_of(task: Task, department: Department, period: str) -> ProgressReport | None:
    """The department's report on the task for the period, with its figures and attachments."""
    return (
        ProgressReport.objects.prefetch_related("figures", "attachments")
        .filter(task=task, department=department, period=period)
        .first()
    )


def consolidation_of(task: Task, period: str) -> Consolidation | None:
    return (
        Consolidation.objects.select_related("consolidated_by", "department")
        .prefetch_related("missing_departments")
        .filter(task=task, period=period)
        .first()
    )


def events_for(access: TaskAccess, period: str) -> list[SupervisionEvent]:
    qs = SupervisionEvent.objects.select_related("actor", "department").filter(
        task=access.task, period=period
    )
    if not access.sees_all_reports:
        qs = qs.filter(Q(department_id__in=access.department_ids) | Q(department__isnull=True))
    return list(qs.order_by("created_at", "id"))


# --- the state of a cell (task × department × period) ----------------------------------------------

REPORTED, CONSOLIDATED, MARKED_MISSING, OVERDUE, PENDING, NOT_RESPONSIBLE = (
    "reported",
    "consolidated",
    "marked_missing",
    "overdue",
    "pending",
    "none",
)


def cell_state(
    *,
    is_lead: bool,
    report_status: str | None,
    consolidated: bool,
    marked_missing: bool,
    overdue: bool,
) -> str:
    """One rule for the matrix, the task page and the reminders.

    The lead department's cell is satisfied by its consolidation (or its own report); a co-department's by
    its report. Without one, the cell is overdue after the due date (or marked missing by the lead).
    """
    if is_lead and consolidated:
        return CONSOLIDATED
    if report_status:
        return REPORTED
    if consolidated:
        return MARKED_MISSING if marked_missing or not is_lead else CONSOLIDATED
    return OVERDUE if overdue else PENDING


def default_period(today: datetime.date | None = None) -> str:
    """The period supervised by default: the one that ended most recently."""
    today = today or timezone.localdate()
    return shift_period(period_of(today), -1)


def plans() -> list[ActionPlan]:
    return list(ActionPlan.objects.only("pk", "title", "starts_on", "ends_on").order_by("-starts_on", "-id"))


def current_plan(candidates: list[ActionPlan], today: datetime.date | None = None) -> ActionPlan | None:
    """The plan supervised by default: the one running today (the latest started when several run),
    else the latest that has started, else the first one to start."""
    today = today or timezone.localdate()
    by_start = sorted(candidates, key=lambda p: (p.starts_on, p.pk), reverse=True)
    running = [p for p in by_start if p.starts_on <= today <= p.ends_on]
    started = [p for p in by_start if p.starts_on <= today]
    return (running or started or by_start[::-1] or [None])[0]


def plan_default_period(plan: ActionPlan, today: datetime.date | None = None) -> str | None:
    """The period a plan opens on: the last one due (see default_period) while the plan runs, the plan's
    last period once it has ended; None before the plan starts."""
    today = today or timezone.localdate()
    periods = plan_periods(plan, today)
    default = default_period(today)
    if default in periods:
        return default
    return periods[0] if periods else None


@dataclasses.dataclass
class Cell:
    state: str
    department_id: int
    is_lead: bool = False
    status: str = ""  # self-assessed (report) or overall (consolidation) status
    report_id: int | None = None
    late: bool = False  # the report came in after the due date

    @property
    def status_label(self) -> str:
        return str(dict(ProgressStatus.choices).get(self.status, ""))


@dataclasses.dataclass
class Row:
    task: Task
    cells: list[Cell]
    consolidation_status: str = ""


def matrix(plan: ActionPlan, period: str, today: datetime.date | None = None) -> dict:
    """The task × department matrix of a plan for a period, in a fixed number of queries.

    Rows are the plan's tasks; columns its departments (in the departments' order); each cell the
    department's report state for that task. Queries: tasks, assignments, reports, consolidations and
    the departments they marked missing — five, whatever the number of tasks and reports.
    """
    today = today or timezone.localdate()
    overdue = is_overdue(period, today)
    tasks = list(
        Task.objects.filter(plan=plan)
        .order_by("number")
        .prefetch_related(
            Prefetch("assignments", TaskAssignment.objects.select_related("department").order_by("position"))
        )
    )
    reports = {
        (task_id, dept_id): (pk, status, filed_late(period, filed_at))
        for pk, task_id, dept_id, status, filed_at in ProgressReport.objects.filter(
            task__plan=plan, period=period
        ).values_list("pk", "task_id", "department_id", "status", "filed_at")
    }
    consolidations = dict(
        Consolidation.objects.filter(task__plan=plan, period=period).values_list("task_id", "status")
    )
    marked = set(
        Consolidation.missing_departments.through.objects.filter(
            consolidation__task__plan=plan, consolidation__period=period
        ).values_list("consolidation__task_id", "department_id")
    )
    departments: dict[int, Department] = {}
    for task in tasks:
        for a in task.assignments.all():
            departments.setdefault(a.department_id, a.department)
    columns = sorted(departments.values(), key=lambda d: (d.sort_order, d.name))
    rows = []
    counts = {REPORTED: 0, CONSOLIDATED: 0, MARKED_MISSING: 0, OVERDUE: 0, PENDING: 0, "late": 0}
    for task in tasks:
        positions = {a.department_id: a.position for a in task.assignments.all()}
        cells = []
        for dept in columns:
            if dept.pk not in positions:
                cells.append(Cell(state=NOT_RESPONSIBLE, department_id=dept.pk))
                continue
            is_lead = positions[dept.pk] == 0
            report_id, report_status, late = reports.get((task.pk, dept.pk), (None, "", False))
            state = cell_state(
                is_lead=is_lead,
                report_status=report_status,
                consolidated=task.pk in consolidations,
                marked_missing=(task.pk, dept.pk) in marked,
                overdue=overdue,
            )
            status = consolidations.get(task.pk, "") if state == CONSOLIDATED else report_status
            late = late and state == REPORTED
            counts[state] += 1
            counts["late"] += late
            cells.append(
                Cell(
                    state=state,
                    department_id=dept.pk,
                    is_lead=is_lead,
                    status=status,
                    report_id=report_id,
                    late=late,
                )
            )
        rows.append(Row(task=task, cells=cells, consolidation_status=consolidations.get(task.pk, "")))
    return {
        "columns": columns,
        "rows": rows,
        "counts": counts,
        "overdue": overdue,
        "periods": plan_periods(plan, today),
    }


def task_cells(access: TaskAccess, period: str, today: datetime.date | None = None) -> list[dict]:
    """The state of every responsible department on one task for a period (for the task page)."""
    today = today or timezone.localdate()
    task = access.task
    filed = {
        dept_id: (status, filed_late(period, filed_at))
        for dept_id, status, filed_at in ProgressReport.objects.filter(task=task, period=period).values_list(
            "department_id", "status", "filed_at"
        )
    }
    reports = {dept_id: status for dept_id, (status, _late) in filed.items()}
    consolidation = consolidation_of(task, period)
    marked = {d.pk for d in consolidation.missing_departments.all()} if consolidation else set()
    cells = []
    for a in sorted(task.assignments.all(), key=lambda a: a.position):
        state = cell_state(
            is_lead=a.position == 0,
            report_status=reports.get(a.department_id),
            consolidated=consolidation is not None,
            marked_missing=a.department_id in marked,
            overdue=is_overdue(period, today),
        )
        cells.append(
            {
                "department": a.department,
                "is_lead": a.position == 0,
                "state": state,
                "late": state == REPORTED and filed.get(a.department_id, ("", False))[1],
                "status": reports.get(a.department_id, ""),
                "status_label": str(dict(ProgressStatus.choices).get(reports.get(a.department_id, ""), "")),
            }
        )
    return cells
