"""JSON API of task supervision. Everything needs a session; anybody not allowed gets 404.

Mounted at the API's root: the paths start with /supervision.
"""

import datetime
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from keqiao.accounts.selectors import user_is_bureau
from keqiao.common.downloads import file_response
from keqiao.common.pagination import MAX_OFFSET
from keqiao.common.schemas import STRICT_MULTIPART, Choice, Id, InputSchema, Text, refuse_unknown_form_keys
from keqiao.governance.models import ActionPlan

from . import selectors, services
from .models import ProgressStatus, parse_period, period_due, plan_periods

router = Router(tags=["supervision"], auth=django_auth)


class DepartmentRef(Schema):
    id: int
    name: str


class ProgressFigureOut(Schema):
    name: str
    value: Decimal
    unit: str


class AttachmentOut(Schema):
    id: int
    name: str = Field(..., alias="original_name")
    content_type: str
    size: int


class ProgressReportOut(Schema):
    id: int
    task_id: int
    department: DepartmentRef
    period: str
    text: str
    status: str
    status_label: str = Field(..., alias="get_status_display")
    figures: list[ProgressFigureOut]
    attachments: list[AttachmentOut]
    filed_by: str
    filed_at: datetime.datetime
    late: bool = Field(..., alias="is_late", description="Filed after the period's due date")
    updated_at: datetime.datetime

    @staticmethod
    def resolve_filed_by(obj) -> str:
        return str(obj.filed_by)

    @staticmethod
    def resolve_figures(obj) -> list:
        return list(obj.figures.all())

    @staticmethod
    def resolve_attachments(obj) -> list:
        return list(obj.attachments.all())


class ConsolidationOut(Schema):
    task_id: int
    period: str
    summary: str
    status: str
    status_label: str = Field(..., alias="get_status_display")
    missing_departments: list[DepartmentRef]
    consolidated_by: str
    consolidated_at: datetime.datetime

    @staticmethod
    def resolve_missing_departments(obj) -> list:
        return list(obj.missing_departments.all())

    @staticmethod
    def resolve_consolidated_by(obj) -> str:
        return str(obj.consolidated_by)


class AssignmentOut(Schema):
    department: DepartmentRef
    lead: bool
    state: str
    late: bool = False


class SupervisionTaskOut(Schema):
    id: int
    plan_id: int
    number: int
    work_area: str
    title: str
    content: str
    schedule: str
    departments: list[DepartmentRef]
    lead: DepartmentRef | None

    @staticmethod
    def resolve_departments(obj) -> list:
        return [a.department for a in sorted(obj.assignments.all(), key=lambda a: a.position)]


class SupervisionTaskDetailOut(Schema):
    task: SupervisionTaskOut
    period: str
    due: datetime.date
    my_departments: list[DepartmentRef]
    is_lead: bool
    states: list[AssignmentOut]
    reports: list[ProgressReportOut]
    consolidation: ConsolidationOut | None


def _period_for(plan, period: str) -> str:
    today = timezone.localdate()
    periods = plan_periods(plan, today)
    if period:
        if parse_period(period) not in periods:
            raise Http404
        return parse_period(period)
    if not periods:  # a plan that has not started yet has no reporting period
        raise Http404
    return selectors.plan_default_period(plan, today)


@router.get(
    "/supervision/tasks",
    response=list[SupervisionTaskOut],
    summary="Tasks my departments are responsible for",
)
def task_list(request, limit: int = Query(100, ge=1, le=500), offset: int = Query(0, ge=0, le=MAX_OFFSET)):
    if not selectors.can_supervise(request.user):
        raise Http404
    qs = selectors.tasks_of_user(request.user).order_by("plan_id", "number")
    return list(qs[offset : offset + limit])


@router.get(
    "/supervision/tasks/{task_id}", response=SupervisionTaskDetailOut, summary="A task's reports for a period"
)
def task_detail(request, task_id: int, period: str = ""):
    access = selectors.task_visible_to(request.user, task_id)
    period = _period_for(access.task.plan, period)
    cells = selectors.task_cells(access, period)
    if not access.sees_all_reports:
        cells = [c for c in cells if c["department"].pk in access.department_ids]
    return {
        "task": access.task,
        "period": period,
        "due": period_due(period),
        "my_departments": access.departments,
        "is_lead": access.is_lead,
        "states": [
            {"department": c["department"], "lead": c["is_lead"], "state": c["state"], "late": c["late"]}
            for c in cells
        ],
        "reports": selectors.reports_for(access, period),
        "consolidation": selectors.consolidation_of(access.task, period),
    }


class FigureIn(InputSchema):
    name: Text(60, required=True, multiline=False)
    value: Decimal = Field(..., max_digits=16, decimal_places=2, gt=-Decimal("1e14"), lt=Decimal("1e14"))
    unit: Text(20, multiline=False) = ""


class ProgressReportIn(InputSchema):
    period: Text(10, required=True, multiline=False)
    department_id: Id | None = None
    text: Text(4000, required=True)
    status: Choice(ProgressStatus)
    figures: list[FigureIn] = Field([], max_length=services.MAX_FIGURES)


@router.put(
    "/supervision/tasks/{task_id}/reports",
    response=ProgressReportOut,
    summary="File or edit my department's report for a period (until the lead department consolidates)",
)
def report_put(request, task_id: int, payload: ProgressReportIn):
    access = selectors.task_visible_to(request.user, task_id)
    department = None
    if payload.department_id is not None:
        department = next((d for d in access.departments if d.pk == payload.department_id), None)
        if department is None:
            raise Http404
    report = services.report_save(
        task=access.task,
        by=request.user,
        period=payload.period,
        department=department,
        text=payload.text,
        status=payload.status,
        figures=[f.dict() for f in payload.figures],
    )
    return selectors.report_visible_to(request.user, report.pk)[0]


@router.get("/supervision/reports/{report_id}", response=ProgressReportOut, summary="A progress report")
def report_detail(request, report_id: int):
    return selectors.report_visible_to(request.user, report_id)[0]


@router.post(
    "/supervision/reports/{report_id}/attachments",
    response={201: ProgressReportOut},
    summary="Add attachments to my department's report (multipart)",
    openapi_extra=STRICT_MULTIPART,
)
def report_attach(request, report_id: int, files: File[list[UploadedFile]]):
    refuse_unknown_form_keys(request, files=("files",))
    report, access = selectors.report_visible_to(request.user, report_id)
    if report.department_id not in access.department_ids:
        raise Http404
    department = next(d for d in access.departments if d.pk == report.department_id)
    services.report_save(
        task=access.task,
        by=request.user,
        period=report.period,
        department=department,
        text=report.text,
        status=report.status,
        figures=[{"name": f.name, "value": f.value, "unit": f.unit} for f in report.figures.all()],
        files=files,
    )
    return Status(201, selectors.report_visible_to(request.user, report_id)[0])


@router.get("/supervision/reports/{report_id}/attachments/{attachment_id}", summary="Download an attachment")
def attachment_download(request, report_id: int, attachment_id: int):
    att = selectors.attachment_visible_to(request.user, report_id, attachment_id)
    return file_response(att.file.open("rb"), att.original_name, att.content_type)


class ConsolidationIn(InputSchema):
    period: Text(10, required=True, multiline=False)
    summary: Text(6000, required=True)
    status: Choice(ProgressStatus)
    mark_missing: bool = False


@router.post(
    "/supervision/tasks/{task_id}/consolidation",
    response={201: ConsolidationOut},
    summary="The lead department consolidates a period",
)
def consolidation_create(request, task_id: int, payload: ConsolidationIn):
    access = selectors.task_visible_to(request.user, task_id)
    consolidation = services.consolidate(task=access.task, by=request.user, **payload.dict())
    return Status(201, selectors.consolidation_of(access.task, consolidation.period))


class CellOut(Schema):
    department_id: int
    state: str
    lead: bool = Field(..., alias="is_lead")
    status: str
    report_id: int | None
    late: bool = Field(False, description="The report was filed after the period's due date")


class MatrixRowOut(Schema):
    task_id: int
    number: int
    title: str
    consolidation_status: str
    cells: list[CellOut]

    @staticmethod
    def resolve_task_id(obj) -> int:
        return obj.task.pk

    @staticmethod
    def resolve_number(obj) -> int:
        return obj.task.number

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.task.name


class MatrixOut(Schema):
    plan_id: int
    period: str
    due: datetime.date
    departments: list[DepartmentRef]
    rows: list[MatrixRowOut]
    counts: dict[str, int]


@router.get("/supervision/matrix", response=MatrixOut, summary="The bureau's task × department matrix")
def matrix(request, plan: int | None = None, period: str = ""):
    if not user_is_bureau(request.user):
        raise Http404
    plan_obj = (
        ActionPlan.objects.filter(pk=plan).first() if plan else selectors.current_plan(selectors.plans())
    )
    if plan_obj is None:
        raise Http404
    period = _period_for(plan_obj, period)
    data = selectors.matrix(plan_obj, period)
    return {
        "plan_id": plan_obj.pk,
        "period": period,
        "due": period_due(period),
        "departments": data["columns"],
        "rows": data["rows"],
        "counts": data["counts"],
    }
