"""JSON API of action plans: plans with live progress, indicator details, reporting values, creating plans.

Government users only (the bureau, the registration office, verified government organisations); everybody
else gets 404. Numbers are decimal strings.
"""

import datetime
from decimal import Decimal
from typing import Annotated

from django.http import Http404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from keqiao.accounts.selectors import user_sees_statistics
from keqiao.common.schemas import InputSchema, Text

from . import indicators, selectors, services

router = Router(tags=["action plans"], auth=django_auth)


def _viewer(request) -> None:
    if not user_sees_statistics(request.user):
        raise Http404


class PlanOut(Schema):
    id: int
    title: str
    document_number: str
    issuing_body: str
    starts_on: datetime.date
    ends_on: datetime.date


class ProgressOut(Schema):
    id: int
    number: int
    name: str
    unit: str
    target: Decimal
    deadline: datetime.date
    source: str
    query: str
    department: str | None
    cumulative: bool
    year: int
    actual: Decimal | None
    reached_percent: Decimal | None
    elapsed_percent: Decimal
    status: str
    status_label: str
    trend: list[dict]


def _progress(p) -> dict:
    ind = p.indicator
    return {
        "id": ind.pk,
        "number": ind.number,
        "name": ind.name,
        "unit": ind.unit,
        "target": ind.target_value,
        "deadline": ind.deadline,
        "source": ind.source,
        "query": ind.query,
        "department": ind.department.name if ind.department else None,
        "cumulative": ind.cumulative,
        "year": p.year,
        "actual": p.actual,
        "reached_percent": p.reached,
        "elapsed_percent": p.elapsed,
        "status": p.status,
        "status_label": p.status_label,
        "trend": [{"year": y, "value": v} for y, v in p.trend],
    }


class PlanTaskOut(Schema):
    number: int
    work_area: str
    title: str
    content: str
    schedule: str
    departments: list[str]


class PlanDetailOut(PlanOut):
    indicators: list[ProgressOut]
    tasks: list[PlanTaskOut]


@router.get("/plans", response=list[PlanOut], summary="Action plans")
def plan_list(request):
    _viewer(request)
    return list(selectors.plans())


@router.get("/plans/{plan_id}", response=PlanDetailOut, summary="A plan with each indicator's live progress")
def plan_detail(request, plan_id: int):
    _viewer(request)
    plan = selectors.plan_or_404(plan_id)
    tasks = selectors.plan_tasks(plan)
    return {
        **{
            f: getattr(plan, f)
            for f in ("id", "title", "document_number", "issuing_body", "starts_on", "ends_on")
        },
        "indicators": [_progress(p) for p in indicators.plan_progress(plan)],
        "tasks": [
            {
                "number": t.number,
                "work_area": t.work_area,
                "title": t.title,
                "content": t.content,
                "schedule": t.schedule,
                "departments": [a.department.name for a in t.assignments.all()],
            }
            for t in tasks
        ],
    }


class IndicatorDetailOut(ProgressOut):
    value_in_year: Decimal | None
    breakdown: list[dict]


@router.get(
    "/indicators/{indicator_id}",
    response=IndicatorDetailOut,
    summary="An indicator's progress, and its value and county/park breakdown in a year",
)
def indicator_detail(request, indicator_id: int, year: int | None = None):
    _viewer(request)
    ind = selectors.indicator_or_404(indicator_id)
    today = timezone.localdate()
    year = year or min(today.year, ind.deadline.year)
    if not (ind.plan.starts_on.year <= year <= today.year):
        year = min(today.year, ind.deadline.year)
    return {
        **_progress(indicators.progress(ind, today)),
        "value_in_year": indicators.value_for_year(ind, year),
        "breakdown": [
            {"region": row["region"].code if row["region"] else None, "value": row["value"]}
            for row in indicators.breakdown(ind, year)
        ],
    }


class IndicatorReportIn(InputSchema):
    year: int = Field(..., ge=1900, le=2200)
    value: Decimal = Field(..., ge=0, lt=Decimal("1e14"), max_digits=16, decimal_places=2)
    evidence: Text(2000, required=True)
    region: Text(12, multiline=False) | None = Field(
        None, description="GB/T 2260 code of a county or the code of a park"
    )


@router.post(
    "/indicators/{indicator_id}/reports", response={201: dict}, summary="Report a value (its department)"
)
def indicator_report(request, indicator_id: int, payload: IndicatorReportIn):
    _viewer(request)
    ind = selectors.indicator_or_404(indicator_id)
    region = None
    if payload.region:
        region = selectors.reporting_regions().filter(code=payload.region).first()
        if region is None:
            raise Http404
    report = services.indicator_report(
        indicator=ind,
        by=request.user,
        year=payload.year,
        value=payload.value,
        evidence=payload.evidence,
        region=region,
    )
    return Status(201, {"id": report.pk, "year": report.year, "value": str(report.value)})


# A plan's rows are checked by services.validate_plan, which reports every bad row (the same rules as for
# the form and the spreadsheet import); the types here only bound what a row may hold.
Number = Annotated[str, Field(max_length=30)] | int | float


class IndicatorRowIn(InputSchema):
    number: int | None = Field(None, ge=1, le=10_000)
    name: Text(200, multiline=False) = ""
    unit: Text(20, multiline=False) = ""
    target: Number | None = None
    deadline: Text(30, multiline=False) = ""
    source: Text(20, multiline=False) = ""
    query: Text(40, multiline=False) = ""
    department: Text(100, multiline=False) = ""
    cumulative: bool | Text(10, multiline=False) = True


class TaskRowIn(InputSchema):
    number: int | None = Field(None, ge=1, le=10_000)
    work_area: Text(200, multiline=False) = ""
    title: Text(200, multiline=False) = ""
    content: Text(4000) = ""
    schedule: Text(100, multiline=False) = ""
    departments: Annotated[list[Text(100, multiline=False)], Field(max_length=50)] | Text(2000) = []


class PlanIn(InputSchema):
    title: Text(200, multiline=False)
    document_number: Text(60, multiline=False) = ""
    issuing_body: Text(200, multiline=False)
    starts_on: datetime.date
    ends_on: datetime.date
    indicators: Annotated[list[IndicatorRowIn], Field(max_length=200)]
    tasks: Annotated[list[TaskRowIn], Field(max_length=500)] = []


@router.post(
    "/plans",
    response={201: PlanOut},
    summary="Create a plan (S&T bureau): the whole plan or nothing; every bad row is reported",
)
def plan_create(request, payload: PlanIn):
    _viewer(request)
    return Status(201, services.plan_create(data=payload.dict(), by=request.user))
