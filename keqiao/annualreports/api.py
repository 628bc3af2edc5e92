"""JSON API of annual reports and funded projects. Everything needs a session; strangers get 404."""

import datetime
from decimal import Decimal
from typing import Annotated

from django.http import Http404
from ninja import Field, Router, Schema
from ninja.security import django_auth

from keqiao.accounts.selectors import user_is_bureau, user_organization_ids
from keqiao.common.schemas import Choice, Id, InputSchema, Phone, PositiveAmount, Text

from . import choices, selectors, services
from .models import AnnualReport, ReportingYear

router = Router(tags=["annual reports"], auth=django_auth)


class AnnualReportOrgRef(Schema):
    id: int
    name: str
    kind: str


class AnnualReportFigureOut(Schema):
    key: str
    section: str
    label: str
    value: int | Decimal | None
    prefilled: bool
    platform_value: int | Decimal | None
    corrected: bool
    explanation: str


class ProjectRowOut(Schema):
    id: int
    name: str
    project_type: str
    counterpart: str
    amount: Decimal
    date: datetime.date


class AnnualReportEventOut(Schema):
    action: str
    label: str = Field(..., alias="action_label")
    from_status: str
    to_status: str
    note: str
    created_at: datetime.datetime
    actor: str | None

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return str(obj.actor) if obj.actor_id else None


class AnnualReportSummaryOut(Schema):
    id: int
    year: int
    organization: AnnualReportOrgRef
    status: str
    status_label: str
    submitted_at: datetime.datetime | None
    approved_at: datetime.datetime | None
    received_at: datetime.datetime | None


class AnnualReportOut(AnnualReportSummaryOut):
    figures: list[AnnualReportFigureOut]
    policy_text: str
    contact_name: str
    contact_phone: str
    review_comment: str
    projects: list[ProjectRowOut]
    events: list[AnnualReportEventOut]

    @staticmethod
    def resolve_figures(obj: AnnualReport) -> list[dict]:
        def num(f, v):
            if v in (None, ""):
                return None
            return Decimal(str(v)) if f.is_money else int(v)

        return [
            {
                "key": r["key"],
                "section": r["section"],
                "label": str(r["label"]),
                "value": num(r["figure"], r["value"]),
                "prefilled": r["prefilled"],
                "platform_value": num(r["figure"], r["known"]) if r["prefilled"] else None,
                "corrected": r["corrected"],
                "explanation": r["explanation"],
            }
            for r in obj.figure_rows()
        ]

    @staticmethod
    def resolve_projects(obj: AnnualReport):
        return list(obj.projects.all())

    @staticmethod
    def resolve_events(obj: AnnualReport):
        return list(obj.events.select_related("actor"))


# Figures and explanations are maps keyed by the figures of the report form (services.validate_figures
# refuses an unknown key, naming it).
FigureKey = Annotated[str, Field(max_length=40)]
FigureValue = Annotated[str, Field(max_length=30)] | int | float | None


class AnnualReportIn(InputSchema):
    figures: Annotated[dict[FigureKey, FigureValue], Field(max_length=len(choices.FIGURES_BY_KEY))] = {}
    explanations: Annotated[dict[FigureKey, Text(1000)], Field(max_length=len(choices.FIGURES_BY_KEY))] = {}
    policy_text: Text(10000) | None = None
    contact_name: Text(60, multiline=False) | None = None
    contact_phone: Phone | None = None


class StartIn(InputSchema):
    organization_id: Id
    year: int = Field(..., ge=1990, le=2200)


class AnnualReportNoteIn(InputSchema):
    note: Text(2000) = ""


class ProjectIn(InputSchema):
    name: Text(200, required=True, multiline=False)
    project_type: Choice(choices.ProjectType)
    counterpart: Text(100, required=True, multiline=False)
    amount: PositiveAmount | Annotated[str, Field(max_length=30)]
    date: datetime.date


class AnnualReportRowOut(Schema):
    organization: AnnualReportOrgRef
    report_id: int | None
    status: str
    late: bool


class AggregateOut(Schema):
    key: str
    section: str
    label: str
    value: Decimal | int


class OverviewOut(Schema):
    year: int
    deadline: datetime.date
    total: int
    filed: int
    late: int
    counted: int
    rows: list[AnnualReportRowOut]
    aggregate: list[AggregateOut]


class PlanProjectOut(Schema):
    id: int
    number: str
    title: str
    organization: AnnualReportOrgRef
    funding: Decimal
    starts_on: datetime.date
    ends_on: datetime.date
    report_due_on: datetime.date
    report_submitted_on: datetime.date | None
    registration_required: bool
    status: str
    report_overdue: bool
    registration_overdue: bool
    achievement_ids: list[int]

    @staticmethod
    def resolve_achievement_ids(obj) -> list[int]:
        return sorted(a.pk for a in obj.achievements.all())


class MarkReportIn(InputSchema):
    submitted_on: datetime.date


class LinkIn(InputSchema):
    achievement_ids: Annotated[list[Id], Field(max_length=100)]


def _report(request, report_id: int) -> AnnualReport:
    return selectors.report_visible_to(request.user, report_id)


def _allowed(request) -> None:
    user = request.user
    if not (
        user_is_bureau(user)
        or selectors.filing_organizations_of(user)
        or selectors.supervised_organization_ids(user)
    ):
        raise Http404


@router.get("/annual-reports/overview", response=OverviewOut)
def overview(request, year: int):
    """The bureau's view of a year: who filed, who is late, sums over approved and received reports."""
    if not user_is_bureau(request.user):
        raise Http404
    ry = ReportingYear.objects.filter(year=year).first()
    if ry is None:
        raise Http404
    ov = selectors.overview(ry)
    return {
        "year": ry.year,
        "deadline": ry.deadline,
        "total": ov["total"],
        "filed": ov["filed"],
        "late": ov["late"],
        "counted": ov["counted"],
        "rows": [
            {
                "organization": r["organization"],
                "report_id": r["report"].pk if r["report"] else None,
                "status": r["status"],
                "late": r["late"],
            }
            for r in ov["rows"]
        ],
        "aggregate": [
            {"key": a["key"], "section": a["section"], "label": str(a["label"]), "value": a["value"]}
            for a in ov["aggregate"]
        ],
    }


@router.get("/annual-reports", response=list[AnnualReportSummaryOut])
def report_list(request, year: int | None = None):
    _allowed(request)
    qs = selectors.reports_visible_to(request.user)
    if year:
        qs = qs.filter(reporting_year__year=year)
    return list(qs[:500])


@router.post("/annual-reports", response={201: AnnualReportOut})
def report_start(request, payload: StartIn):
    orgs = {o.pk: o for o in selectors.filing_organizations_of(request.user)}
    if payload.organization_id not in orgs:
        raise Http404
    report = services.report_create(
        by=request.user, organization=orgs[payload.organization_id], year=payload.year
    )
    return 201, report


@router.get("/annual-reports/{report_id}", response=AnnualReportOut)
def report_detail(request, report_id: int):
    return _report(request, report_id)


@router.put("/annual-reports/{report_id}", response=AnnualReportOut)
def report_update(request, report_id: int, payload: AnnualReportIn):
    report = _report(request, report_id)
    return services.report_update(
        report=report,
        by=request.user,
        figures=payload.figures,
        explanations=payload.explanations,
        policy_text=payload.policy_text,
        contact_name=payload.contact_name,
        contact_phone=payload.contact_phone,
    )


@router.post("/annual-reports/{report_id}/projects", response={201: ProjectRowOut})
def project_add(request, report_id: int, payload: ProjectIn):
    report = _report(request, report_id)
    return 201, services.report_project_add(report=report, by=request.user, data=payload.dict())


@router.delete("/annual-reports/{report_id}/projects/{project_id}", response={204: None})
def project_remove(request, report_id: int, project_id: int):
    report = _report(request, report_id)
    services.report_project_remove(report=report, by=request.user, project_id=project_id)
    return 204, None


@router.post("/annual-reports/{report_id}/submit", response=AnnualReportOut)
def report_submit(request, report_id: int):
    return services.report_submit(report=_report(request, report_id), by=request.user)


@router.post("/annual-reports/{report_id}/return", response=AnnualReportOut)
def report_return(request, report_id: int, payload: AnnualReportNoteIn):
    return services.report_return(report=_report(request, report_id), by=request.user, comment=payload.note)


@router.post("/annual-reports/{report_id}/approve", response=AnnualReportOut)
def report_approve(request, report_id: int, payload: AnnualReportNoteIn):
    return services.report_approve(report=_report(request, report_id), by=request.user, note=payload.note)


@router.post("/annual-reports/{report_id}/receive", response=AnnualReportOut)
def report_receive(request, report_id: int, payload: AnnualReportNoteIn):
    return services.report_receive(report=_report(request, report_id), by=request.user, note=payload.note)


@router.post("/annual-reports/{report_id}/reopen", response=AnnualReportOut)
def report_reopen(request, report_id: int, payload: AnnualReportNoteIn):
    return services.report_reopen(report=_report(request, report_id), by=request.user, reason=payload.note)


# --- funded plan projects ---------------------------------------------------------------------------


@router.get("/plan-projects", response=list[PlanProjectOut])
def plan_projects(request, overdue: bool = False):
    if not (user_is_bureau(request.user) or user_organization_ids(request.user)):
        raise Http404
    qs = selectors.plan_projects_visible_to(request.user).prefetch_related("achievements")
    if overdue:
        qs = qs.filter(selectors.overdue_q())
    return list(qs[:1000])


@router.get("/plan-projects/{project_id}", response=PlanProjectOut)
def plan_project(request, project_id: int):
    return selectors.plan_project_visible_to(request.user, project_id)


@router.post("/plan-projects/{project_id}/report", response=PlanProjectOut)
def plan_project_report(request, project_id: int, payload: MarkReportIn):
    p = selectors.plan_project_visible_to(request.user, project_id)
    services.plan_project_mark_report(project=p, by=request.user, submitted_on=payload.submitted_on)
    return selectors.plan_project_visible_to(request.user, project_id)


@router.put("/plan-projects/{project_id}/achievements", response=PlanProjectOut)
def plan_project_link(request, project_id: int, payload: LinkIn):
    p = selectors.plan_project_visible_to(request.user, project_id)
    services.plan_project_link(project=p, by=request.user, achievement_ids=payload.achievement_ids)
    return selectors.plan_project_visible_to(request.user, project_id)
